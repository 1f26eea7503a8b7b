"""`vigie tone score|train|rescore`: thin doors to vigie.tone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from vigie.cli.app import JsonOption, WorkspaceOption, app, console, open_workspace
from vigie.tone.labels import labels_from_csv, labels_from_workspace
from vigie.tone.rescore import rescore
from vigie.tone.scoring import ToneScorer
from vigie.tone.store import tone_band
from vigie.workspace import CONFIG_FILE

tone_app = typer.Typer(
    help="Tone of notes, tickets and comments: check, train, re-score.", no_args_is_help=True
)
app.add_typer(tone_app, name="tone")


@tone_app.command("score")
def score_cmd(
    text: Annotated[str, typer.Argument(help="A sentence, as a customer or CSM would write it.")],
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Print the language, tone and churn-intent phrases Vigie finds in TEXT.

    Uses the workspace's intent phrases and trained model when run in one,
    else the bundled defaults.
    """
    root = workspace if (workspace / CONFIG_FILE).exists() else None
    row = ToneScorer.for_workspace(root).score([text]).to_pylist()[0]
    tone = row["tone"]
    row["band"] = tone_band(tone)
    if as_json:
        print(json.dumps(row, indent=2, ensure_ascii=False))
        return
    shown = (
        "no tone (not English or French)" if row["band"] is None else f"{tone:+.3f} ({row['band']})"
    )
    console.print(f"language  {row['language']}", highlight=False)
    console.print(f"tone      {shown}  [dim]scorer {row['scorer']}[/]", highlight=False)
    intents = ", ".join(row["intents"]) or "none"
    console.print(f"intents   {intents}", highlight=False)
    if row["intent_phrases"]:
        console.print(f"evidence  {', '.join(row['intent_phrases'])}", highlight=False)


@tone_app.command("train")
def train_cmd(
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="CSV with columns text,label (negative, neutral or positive). Default: the "
            "workspace's sentiment comments and the notes of the 14 days before each rating.",
        ),
    ] = None,
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Fit a text classifier; it replaces the default scorer only if it is more accurate."""
    from vigie.tone.train import train  # scikit-learn: a second to import, for this command only

    ws = open_workspace(workspace)
    try:
        if labels is not None:
            labelled, source = labels_from_csv(labels), str(labels)
        else:
            labelled, source = labels_from_workspace(ws), f"workspace {ws.root}"
        report = train(ws, labelled, source)
    finally:
        ws.close()
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
        return
    counts = ", ".join(f"{n} {label}" for label, n in report.counts.items())
    console.print(f"{report.n} labelled texts ({counts}), {report.folds}-fold cross-validation:")
    console.print(f"  trained model accuracy  {report.trained_accuracy:.1%}")
    console.print(f"  default scorer accuracy {report.default_accuracy:.1%}")
    console.print(f"  most common label alone {report.majority_accuracy:.1%}")
    if report.active:
        console.print(
            "The trained model is now active for new imports. "
            "Run `vigie tone rescore` to re-score stored texts."
        )
    else:
        console.print("Not clearly better than the default scorer: the default stays active.")


@tone_app.command("rescore")
def rescore_cmd(workspace: WorkspaceOption = Path("."), as_json: JsonOption = False) -> None:
    """Score stored texts again with the active scorer and the current intent phrases."""
    ws = open_workspace(workspace)
    try:
        count = rescore(ws)
    finally:
        ws.close()
    if as_json:
        print(json.dumps({"rescored": count}))
    else:
        console.print(f"{count:,} texts re-scored (texts imported without their text keep theirs).")
