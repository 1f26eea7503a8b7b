"""`vigie tone train`: the trained model is used only when it beats the default on held-out folds."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from tone_helpers import NOW, texts, write_csv
from typer.testing import CliRunner

from vigie.cli import app
from vigie.errors import ToneError
from vigie.io import import_files
from vigie.tone.labels import labels_from_csv, labels_from_workspace
from vigie.tone.model import active_model, read_meta
from vigie.tone.rescore import rescore
from vigie.tone.train import train
from vigie.workspace import Workspace

# Words VADER has no opinion on, but which tell a CS team everything.
CUES = {
    "negative": ["escalated", "outage", "downgrade", "rollback", "churn risk"],
    "neutral": ["scheduled", "forwarded", "updated the ticket", "logged", "noted"],
    "positive": ["renewed", "expanded", "upsell", "went live", "signed the extension"],
}
FILLER = ["account", "team", "this week", "the integration", "the EMEA office", "reporting"]


def jargon_labels(n: int, seed: int = 1) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        label = list(CUES)[i % 3]
        words = [rng.choice(FILLER), rng.choice(CUES[label]), rng.choice(FILLER)]
        rows.append((f"Update {i}: {' '.join(words)}.", label))
    return pd.DataFrame(rows, columns=["text", "label"])


def test_trained_model_beating_the_default_becomes_active(workspace: Workspace) -> None:
    report = train(workspace, jargon_labels(90), "jargon")
    assert report.trained_accuracy > 0.9 > 0.5 > report.default_accuracy
    assert report.active and report.folds == 5
    model = active_model(workspace.root)
    assert model is not None and model.meta["n"] == 90
    assert set(model.meta["versions"]) >= {"scikit-learn", "python", "vaderSentiment"}
    assert model.tones(["The EMEA office escalated again."])[0] < -0.3


def test_random_labels_keep_the_default_scorer(workspace: Workspace) -> None:
    labelled = jargon_labels(90)
    labelled["label"] = labelled["label"].sample(frac=1, random_state=3).to_numpy()
    report = train(workspace, labelled, "shuffled")
    assert not report.active
    assert read_meta(workspace.root)["active"] is False
    assert active_model(workspace.root) is None


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("text", "label")], "No labelled texts"),
        ([("text", "label"), ("a", "positive"), ("b", "positive")], "at least two of"),
        ([("text", "label"), ("a", "positive"), ("b", "negative"), ("c", "negative")], "Too few"),
        ([("text", "label"), ("a", "good")], ":2: label 'good'"),
        ([("body", "label"), ("a", "positive")], "missing text"),
    ],
)
def test_unusable_labels_are_user_errors(
    workspace: Workspace, tmp_path: Path, rows: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(ToneError, match=message):
        train(workspace, labels_from_csv(write_csv(tmp_path / "l.csv", rows)), "l.csv")


def test_workspace_labels_come_from_ratings_and_the_notes_before_them(
    ws: Workspace, tmp_path: Path
) -> None:
    interactions = write_csv(
        tmp_path / "i.csv",
        [
            ("interaction_id", "account_id", "kind", "occurred_at", "notes"),
            ("I1", "A1", "call", "2025-03-01", "Outage again"),  # 4 days before the red rating
            ("I2", "A1", "call", "2025-01-01", "Too early to count"),
            ("I3", "A2", "call", "2025-03-01", "Went live"),  # A2's rating is green
        ],
    )
    sentiments = write_csv(
        tmp_path / "s.csv",
        [
            ("account_id", "author", "rated_at", "rating", "comment"),
            ("A1", "marie", "2025-03-05", "red", "Escalation"),
            ("A1", "marie", "2025-03-10", "yellow", ""),
            ("A2", "paul", "2025-03-12", "green", "Happy"),
        ],
    )
    import_files(ws, "interactions", [interactions], now=NOW)
    import_files(ws, "sentiments", [sentiments], now=NOW)
    labelled = labels_from_workspace(ws).sort_values("text").to_numpy().tolist()
    assert labelled == [
        ["Escalation", "negative"],
        ["Happy", "positive"],
        ["Outage again", "negative"],
        ["Went live", "positive"],
    ]


def test_rescore_uses_the_trained_model_and_keeps_texts_without_text(
    ws: Workspace, tmp_path: Path
) -> None:
    header = ("ticket_id", "account_id", "opened_at", "subject")
    kept = write_csv(tmp_path / "a.csv", [header, ("T1", "A1", "2025-03-01", "Account escalated")])
    hidden = write_csv(tmp_path / "b.csv", [header, ("T2", "A1", "2025-03-02", "Outage logged")])
    import_files(ws, "tickets", [kept], now=NOW)
    import_files(ws, "tickets", [hidden], keep_text=False, now=NOW)
    before = dict(texts(ws, "text_id, tone"))
    assert train(ws, jargon_labels(90), "jargon").active
    assert rescore(ws) == 1
    after = {row[0]: row[1:] for row in texts(ws, "text_id, tone, scorer")}
    assert after["ticket:T1"][1] == "trained" and after["ticket:T1"][0] < -0.3
    assert after["ticket:T2"] == (before["ticket:T2"], "default")


def test_cli_train_json_and_score(tmp_path: Path) -> None:
    runner = CliRunner()
    root = tmp_path / "w"
    Workspace.init(root).close()
    labels = tmp_path / "labels.csv"
    jargon_labels(60).to_csv(labels, index=False)
    result = runner.invoke(
        app, ["tone", "train", "--labels", str(labels), "--json", "-w", str(root)]
    )
    assert result.exit_code == 0, result.output
    assert '"active": true' in result.output
    result = runner.invoke(app, ["tone", "score", "Budget cut: upsell is off", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "scorer trained" in result.output and "evidence  budget cut" in result.output
