"""The text settings a user can set are documented where users look for them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from vigie.cli import app

DOCS = Path(__file__).parents[2] / "docs"


def test_no_text_option_and_workspace_setting_are_documented() -> None:
    importing = (DOCS / "importing.md").read_text(encoding="utf-8")
    tone = (DOCS / "tone.md").read_text(encoding="utf-8")
    for page in (importing, tone):
        assert "--no-text" in page and "[text] keep = false" in page.replace("\n", " ")
    for command in ("vigie tone train", "vigie tone rescore", "vigie tone score", "intents.yaml"):
        assert command in tone
    result = CliRunner().invoke(app, ["import", "--help"], env={"COLUMNS": "200"})
    assert "--no-text" in result.output
