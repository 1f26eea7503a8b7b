"""Overrides apply on [created date, until) and lapse by themselves; the CLI doors work."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigie.cli.app import app
from vigie.engine.overrides import add_override
from vigie.engine.scoring import score
from vigie.errors import OverrideError, UnknownAccountError
from vigie.scorecard.spec import load_scorecard
from vigie.workspace import Workspace

REFERENCE = Path(__file__).parent / "fixtures" / "reference.yaml"


def test_override_applies_until_expiry(duck: Workspace) -> None:
    card = load_scorecard(REFERENCE)
    add_override(
        duck,
        card,
        "A2",
        "overall",
        90,
        "renewal signed",
        dt.date(2024, 3, 1),
        today=dt.date(2024, 2, 20),
    )
    add_override(
        duck,
        card,
        "A3",
        "relationship.champion_present",
        100,
        "new champion",
        dt.date(2024, 4, 1),
        today=dt.date(2024, 2, 20),
    )
    result = score(duck, card, [dt.date(2024, 2, 23), dt.date(2024, 3, 1)], persist=False)
    snap = result.snapshots.set_index(["account_id", "as_of"])
    assert snap.loc[("A2", dt.date(2024, 2, 23))].score == 90
    assert snap.loc[("A2", dt.date(2024, 2, 23))].override_reason == "renewal signed"
    assert snap.loc[("A2", dt.date(2024, 3, 1))].score == pytest.approx(59.2857142857)  # lapsed
    # A3: champion 100 pts by override, meeting 0 (missing: zero) -> relationship 50 = composite
    assert snap.loc[("A3", dt.date(2024, 3, 1))].score == pytest.approx(50.0)
    with pytest.raises(OverrideError):
        add_override(duck, card, "A2", "overall", 90, " ", dt.date(2030, 1, 1))
    with pytest.raises(UnknownAccountError):
        add_override(duck, card, "ZZ", "overall", 90, "x", dt.date(2030, 1, 1))


def test_cli_score_json_and_compile(duck: Workspace) -> None:
    runner = CliRunner()
    args = ["-w", str(duck.root), "-s", str(REFERENCE), "--as-of", "2024-03-01", "--json"]
    result = runner.invoke(app, ["score", *args])
    assert result.exit_code == 0, result.output
    rows = {r["account_id"]: r for r in json.loads(result.output)}
    assert rows["A1"]["band"] == "green"
    sql = runner.invoke(
        app, ["compile", str(REFERENCE), "--as-of", "2024-03-01", "-w", str(duck.root)]
    )
    assert sql.exit_code == 0 and "SELECT" in sql.output


def test_a_measure_override_on_a_parent_warns_that_its_roll_up_ignores_it(duck: Workspace) -> None:
    runner = CliRunner()
    args = ["-w", str(duck.root), "-s", str(REFERENCE), "--value", "100", "--reason", "QBR"]
    args += ["--until", "2099-01-01"]
    measure = runner.invoke(
        app, ["override", "P1", "--measure", "relationship.champion_present", *args]
    )
    assert measure.exit_code == 0, measure.output
    assert "P1 is a parent account" in " ".join(measure.stderr.split())
    overall = runner.invoke(app, ["override", "P1", "--overall", *args])
    child = runner.invoke(
        app, ["override", "A1", "--measure", "relationship.champion_present", *args]
    )
    assert "parent account" not in overall.stderr + child.stderr
