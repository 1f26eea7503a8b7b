"""`vigie score`, `compile`, `override`, `accounts`, `history`, `explain`: thin doors to vigie.engine."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from vigie.cli.app import (
    MAX_LISTED,
    JsonOption,
    WorkspaceOption,
    app,
    as_of_date,
    as_of_dates,
    console,
    err_console,
    open_workspace,
    print_records,
    say_cut,
    warn_if_data_ends_before,
    warn_unknown_events,
)
from vigie.engine.explain import (
    Explanation,
    explain,
    scorecard_for_suggestions,
    suggestions,
    texts_at,
)
from vigie.engine.history import accounts, history, sparkline
from vigie.engine.overrides import add_override
from vigie.engine.scoring import score
from vigie.errors import VigieError
from vigie.jsonsafe import json_safe
from vigie.scorecard.compile import compile_sql
from vigie.scorecard.named import in_workspace
from vigie.scorecard.spec import DEFAULT_SCORECARD, load_scorecard
from vigie.signals.compute import signals_for
from vigie.spreadsheet import csv_text

ScorecardOption = Annotated[
    str,
    typer.Option(
        "--scorecard",
        "-s",
        help="Scorecard name (saved in the workspace, or bundled) or YAML file.",
    ),
]


WEAKEST_LISTED = 20
"""Snapshots of a backfill's latest date listed after its summary."""


@app.command("score")
def score_cmd(
    workspace: WorkspaceOption = Path("."),
    scorecard: ScorecardOption = DEFAULT_SCORECARD,
    as_of: Annotated[dt.datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"])] = None,
    start: Annotated[dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    end: Annotated[dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
    every: Annotated[str, typer.Option("--every", help="Step between dates.")] = "7d",
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Score every active account as of one or several dates and store the snapshots."""
    scorecard = in_workspace(scorecard, workspace)
    card = load_scorecard(scorecard)
    dates = as_of_dates(as_of, start, end, every)
    ws = open_workspace(workspace)
    warn_unknown_events(scorecard, ws)
    warn_if_data_ends_before(ws, dates[-1])
    snapshots = score(ws, card, dates).snapshots.sort_values(["as_of", "score"])
    if as_json:
        print_records(snapshots)
        return
    if as_csv:
        print(csv_text(snapshots), end="")
        return
    title = f"{card.name} ({card.version})"
    if len(snapshots) > MAX_LISTED:  # a backfill: summarise, list the latest date's weakest
        last = snapshots["as_of"].max()
        shown = snapshots[snapshots["as_of"] == last]
        per_band = shown["band"].fillna("no band").value_counts()
        best_first = [b.name for b in card.bands if b.name in per_band.index]
        per_band = per_band.reindex(best_first + [n for n in per_band.index if n not in best_first])
        console.print(
            f"Scored {len(snapshots):,} snapshots: {snapshots['account_id'].nunique():,} "
            f"accounts on {len(dates)} date(s), {dates[0]} to {dates[-1]}. At {last}: "
            + " · ".join(f"{band} {n:,}" for band, n in per_band.items()),
            highlight=False,
        )
        snapshots = shown.head(WEAKEST_LISTED)
        title += f": the {len(snapshots)} weakest at {last} (all rows: --json or --csv)"
    table = Table(title=title)
    for col in ("account_id", "as_of", "score_scaled", "band", "coverage", "delta_7d"):
        table.add_column(col)
    for row in snapshots.itertuples():
        table.add_row(
            row.account_id,
            str(row.as_of),
            _scaled(row.score_scaled),
            _num(row.band, ""),
            _num(row.coverage, ".0%"),
            _num(row.delta_7d, "+.1f"),
        )
    console.print(table)


@app.command("compile")
def compile_cmd(
    scorecard: Annotated[
        str,
        typer.Argument(help="Scorecard name (saved in the workspace, or bundled) or YAML file."),
    ],
    as_of: Annotated[dt.datetime, typer.Option("--as-of", formats=["%Y-%m-%d"])],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Print the SQL the workspace's backend runs to score SCORECARD as of a date."""
    ws = open_workspace(workspace)
    print(compile_sql(ws, load_scorecard(in_workspace(scorecard, workspace)), as_of.date()))


@app.command("override")
def override_cmd(
    account: Annotated[str, typer.Argument(help="Account id.")],
    value: Annotated[float, typer.Option("--value", help="Points 0-100, or the overall score.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required).")],
    until: Annotated[dt.datetime, typer.Option("--until", formats=["%Y-%m-%d"])],
    measure: Annotated[str | None, typer.Option("--measure", help="DIMENSION.MEASURE")] = None,
    overall: Annotated[bool, typer.Option("--overall", help="Override the composite.")] = False,
    workspace: WorkspaceOption = Path("."),
    scorecard: ScorecardOption = DEFAULT_SCORECARD,
) -> None:
    """Override a measure's points or the overall score until a date, with a reason."""
    if (measure is None) == (not overall):
        raise VigieError("Give exactly one of --measure DIMENSION.MEASURE or --overall.")
    target = measure or "overall"
    ws = open_workspace(workspace)
    card = load_scorecard(in_workspace(scorecard, workspace))
    row = add_override(ws, card, account, target, value, reason, until.date())
    console.print(
        f"Override {row['override_id']} recorded for {account} {target} until {until.date()}."
    )
    accounts = ws.table("accounts")
    if measure and accounts.filter(accounts.parent_account_id == account).count().execute():
        err_console.print(
            f"[yellow]Warning:[/] {account} is a parent account: on dates where its children are "
            "scored its score is their roll-up, which a measure override does not change. "
            "Override --overall to set the parent's score, or override the child.",
            highlight=False,
        )


def _num(value: object, fmt: str) -> str:
    """A number for a table cell; empty for NULL/NaN."""
    if value is None or value != value:
        return ""
    text = format(value, fmt)
    return text.replace("-", "+", 1) if text.startswith("-") and not text.strip("-+0.%") else text


def _scaled(value: object) -> str:
    """A score in the scorecard's scale: two decimals below 10 (a /8 or /10 scale), so 5.01
    and 5.0 on either side of a band bound do not both print as 5.0."""
    if isinstance(value, float) and abs(value) < 10:
        text = _num(value, ".2f")
        return text[:-1] if text.endswith("0") else text  # 5.0, 5.01
    return _num(value, ".1f")


def _print_frame(frame: pd.DataFrame, as_json: bool, as_csv: bool = False) -> bool:
    """Print `frame` as JSON or CSV when asked; True when done."""
    if as_json:
        print_records(frame)
    elif as_csv:
        print(csv_text(frame), end="")
    return as_json or as_csv


@app.command("accounts")
def accounts_cmd(
    workspace: WorkspaceOption = Path("."),
    scorecard: Annotated[
        str | None, typer.Option("--scorecard", "-s", help="Stored scorecard name.")
    ] = None,
    band: Annotated[str | None, typer.Option("--band")] = None,
    segment: Annotated[str | None, typer.Option("--segment")] = None,
    csm: Annotated[str | None, typer.Option("--csm")] = None,
    min_score: Annotated[float | None, typer.Option("--min-score")] = None,
    max_score: Annotated[float | None, typer.Option("--max-score")] = None,
    sort: Annotated[str, typer.Option("--sort", help="score | arr | name")] = "score",
    limit: Annotated[int | None, typer.Option("--limit", min=1, max=10_000_000)] = None,
    former: Annotated[
        bool,
        typer.Option(
            "--all", help="Also accounts not scored on the latest date (former customers)."
        ),
    ] = False,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Latest stored score of every account, weakest first (or by ARR, or by name)."""
    ws = open_workspace(workspace)
    rows = accounts(ws, scorecard, band, segment, csm, min_score, max_score, sort, limit, former)
    if _print_frame(rows, as_json, as_csv):
        return
    title = f"{rows['scorecard'].iloc[0]}: {len(rows)} accounts" if len(rows) else "No accounts"
    table = Table(title=title)
    for col in ("account", "name", "segment", "csm", "as_of", "score", "band", "coverage", "ARR"):
        table.add_column(col, justify="right" if col in ("score", "coverage", "ARR") else "left")
    for row in rows.head(MAX_LISTED).itertuples():
        table.add_row(
            row.account_id,
            _num(row.name, ""),
            _num(row.segment, ""),
            _num(row.csm, ""),
            str(row.as_of),
            _scaled(row.score_scaled),
            _num(row.band, ""),
            _num(row.coverage, ".0%"),
            _num(row.arr, ",.0f"),
        )
    console.print(table)
    say_cut(len(rows))


@app.command("history")
def history_cmd(
    account: Annotated[str, typer.Argument(help="Account id.")],
    workspace: WorkspaceOption = Path("."),
    scorecard: Annotated[
        str | None, typer.Option("--scorecard", "-s", help="Stored scorecard name.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Stored scores of one account over time, with deltas and a sparkline."""
    rows = history(open_workspace(workspace), account, scorecard)
    if _print_frame(rows, as_json):
        return
    table = Table(title=f"{account} · {rows['scorecard'].iloc[0]}  {sparkline(rows['score'])}")
    for col in ("as_of", "score", "band", "coverage", "Δ7d", "Δ30d", "Δ90d", "version"):
        table.add_column(col)
    for row in rows.itertuples():
        table.add_row(
            str(row.as_of),
            _scaled(row.score_scaled) + (" (override)" if row.overridden else ""),
            _num(row.band, ""),
            _num(row.coverage, ".0%"),
            *(_num(d, "+.1f") for d in (row.delta_7d, row.delta_30d, row.delta_90d)),
            row.scorecard_version,
        )
    console.print(table)
    console.print("Deltas are in points of the 0-100 composite.")


@app.command("explain")
def explain_cmd(
    account: Annotated[str, typer.Argument(help="Account id.")],
    start: Annotated[
        dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="Stored date.")
    ] = None,
    end: Annotated[
        dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Stored date.")
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="Signals and texts only (no --from/--to)."
        ),
    ] = None,
    workspace: WorkspaceOption = Path("."),
    scorecard: Annotated[
        str | None,
        typer.Option("--scorecard", "-s", help="Stored scorecard name, template or YAML file."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Why ACCOUNT's score moved (--from D1 --to D2), its signals, recent texts and suggestions.

    With --as-of D (default today) and no --from/--to: signals, recent texts and suggested
    hand values at D, without the score decomposition.
    """
    if (start is None) != (end is None) or (start is not None and as_of is not None):
        raise VigieError("Use either --from D1 --to D2 (stored dates), or --as-of D.")
    ws = open_workspace(workspace)
    card = scorecard_for_suggestions(ws, scorecard)
    found = None
    if start is not None and end is not None:
        stored = card.name if card is not None and scorecard is not None else scorecard
        found = explain(ws, account, start.date(), end.date(), stored)
        day = found.date_to
    else:
        day = as_of_date(as_of)
    signals = signals_for(ws, account, day)
    texts = texts_at(ws, account, day)
    suggested = suggestions(ws, card, account, day) if card is not None else None
    if as_json:
        payload = found.to_dict() if found is not None else {"account_id": account}
        payload |= {
            "as_of": day,
            "signals": signals.to_dict(orient="records"),
            "texts": texts,
            "suggestions": [] if suggested is None else suggested.to_dict(orient="records"),
        }
        console.print_json(json.dumps(json_safe(payload)))
        return
    if found is not None:
        _print_explanation(found)
    else:
        console.print(f"{account} as of {day}")
    _print_signals(signals, day)
    if suggested is not None and not suggested.empty:
        _print_suggestions(suggested, card.name, day)
    _print_texts(texts, day)


def _print_explanation(found: Explanation) -> None:
    account = found.account_id
    a, b = found.composite_from, found.composite_to
    moved = "" if found.change is None else f", {found.change:+.1f} points of 100"
    console.print(
        f"{account} · {found.scorecard}: {_composite(a)} on {found.date_from} -> "
        f"{_composite(b)} on {found.date_to}{moved}"
    )
    if not found.children.empty:
        _print_children(found)
    if found.version_changed:
        console.print(
            f"[bold]The scorecard changed[/bold] between these dates "
            f"({found.version_from} -> {found.version_to}): part of the move comes from new rules."
        )
    if not found.measures.empty:
        _print_measure_changes(found)
    _print_overrides(found)


def _print_measure_changes(found: Explanation) -> None:
    table = Table(title="Measures, largest change first")
    for col in ("measure", "raw", "points", "weight", "contribution", "change"):
        table.add_column(col)
    for row in found.measures.itertuples():
        points_from = _cell(row.points_from) + (" (override)" if row.overridden_from else "")
        points_to = _cell(row.points_to) + (" (override)" if row.overridden_to else "")
        table.add_row(
            f"{row.dimension}.{row.measure}",
            f"{_cell(row.raw_from)} -> {_cell(row.raw_to)}",
            f"{points_from} -> {points_to}",
            f"{_cell(row.weight_from, '.1%')} -> {_cell(row.weight_to, '.1%')}",
            f"{_cell(row.contribution_from, '.2f')} -> {_cell(row.contribution_to, '.2f')}",
            _num(row.change, "+.2f"),
        )
    console.print(table)
    console.print(_score_changes("Dimensions", "dimension", found.dimensions))


def _print_overrides(found: Explanation) -> None:
    for row in found.overrides.itertuples():
        at = " and ".join(
            str(d)
            for d, on in ((found.date_from, row.active_from), (found.date_to, row.active_to))
            if on
        )
        console.print(
            f"Override of {row.target} = {row.value:g} by {row.author} "
            f"({row.valid_from} to {row.until}, active on {at}): {row.reason}"
        )


def _composite(side: dict[str, object]) -> str:
    if side["score_scaled"] is None:
        return "no score (no data)"
    return f"{_scaled(side['score_scaled'])} ({side['band']})"


def _print_children(found: Explanation) -> None:
    """A rolled-up parent's score is its children's: show which child moved it."""
    on = [str(d) for d, c in ((found.date_from, found.composite_from),
                              (found.date_to, found.composite_to)) if c["rolled_up"]]  # fmt: skip
    console.print(
        f"On {' and '.join(on)} the score is the ARR-weighted roll-up of its children's scores; "
        "`vigie explain CHILD` shows what moved each one."
    )
    children = found.children.rename(columns={"account_id": "child"})
    console.print(_score_changes("Children, largest change first", "child", children))


def _score_changes(title: str, name: str, rows: pd.DataFrame) -> Table:
    """One row per dimension (or child account): score and band at both dates, and the change."""
    table = Table(title=title)
    for col in (name, "score", "band", "change"):
        table.add_column(col)
    for row in rows.itertuples():
        table.add_row(
            getattr(row, name),
            f"{_scaled(row.score_from)} -> {_scaled(row.score_to)}",  # a /10 child: 2.05
            f"{_cell(row.band_from)} -> {_cell(row.band_to)}",
            ("+" if row.change == row.change and row.change >= 0 else "") + _scaled(row.change),
        )
    return table


def _print_suggestions(suggested: pd.DataFrame, card: str, as_of: dt.date) -> None:
    """Hand ratings beside what the data suggests: the CSM confirms or changes, nothing is written."""
    table = Table(title=f"Suggested hand values ({card}, as of {as_of})")
    for col in ("measure", "rated", "suggested", "from", "rule"):
        table.add_column(col)
    for row in suggested.itertuples():
        table.add_row(
            f"{row.dimension}.{row.measure}",
            _cell(row.hand, "g"),
            _cell(row.suggested, "g"),
            f"{row.source} = {_cell(row.source_value, '.2f')}",
            row.rule,
        )
    console.print(table)
    console.print(
        "A suggestion never changes the score: confirm it or rate otherwise "
        "(a row in `ratings`, e.g. `vigie import ratings ratings.csv`)."
    )


def _print_texts(texts: list[dict[str, Any]], as_of: dt.date) -> None:
    if not texts:
        console.print(f"No text written before {as_of}.")
        return
    table = Table(title=f"Recent texts before {as_of}, newest first")
    for col in ("written", "source", "lang", "tone", "intent", "text"):
        table.add_column(col, overflow="fold")
    for row in texts:
        flags = ", ".join(
            f"{kind} ({phrase!r})"
            for kind, phrase in zip(row["intents"], row["intent_phrases"], strict=False)
        )
        tone = row["tone"]
        table.add_row(
            f"{row['written_at']:%Y-%m-%d}",
            f"{row['source']} {row['direction'] or ''}".strip(),
            row["language"],
            "no tone" if tone is None else f"{row['band']} {tone:+.2f}",
            flags,
            _short(row["excerpt"]),
        )
    console.print(table)


def _short(excerpt: str | None, chars: int = 80) -> str:
    if excerpt is None:
        return "(text not kept)"
    flat = " ".join(excerpt.split())
    return flat if len(flat) <= chars else flat[: chars - 1] + "…"


def _print_signals(signals: pd.DataFrame, as_of: dt.date) -> None:
    if signals.empty:
        console.print(f"No early-warning signal on {as_of}.")
        return
    table = Table(title=f"Signals on {as_of}")
    for col in ("kind", "severity", "evidence"):
        table.add_column(col)
    for row in signals.itertuples():
        table.add_row(row.kind, row.severity, row.evidence)
    console.print(table)


def _cell(value: object, fmt: str = ".4g") -> str:
    """One side of a `before -> after` cell; `-` for no data."""
    if value is None or value != value:
        return "-"
    return format(value, fmt) if isinstance(value, float) else str(value)
