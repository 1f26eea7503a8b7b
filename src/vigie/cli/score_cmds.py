"""`vigie score`, `compile`, `override`, `accounts`, `history`, `explain`: thin doors to vigie.engine."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from vigie.cli.app import JsonOption, WorkspaceOption, app, console, open_workspace
from vigie.engine.explain import explain
from vigie.engine.history import accounts, history, sparkline
from vigie.engine.overrides import add_override
from vigie.engine.scoring import score
from vigie.errors import VigieError
from vigie.scorecard.compile import compile_sql
from vigie.scorecard.spec import DEFAULT_SCORECARD, load_scorecard
from vigie.signals.compute import signals_for

ScorecardOption = Annotated[
    str, typer.Option("--scorecard", "-s", help="Bundled template name or YAML file.")
]


def _today() -> dt.date:
    """Default as-of date: today in UTC (facts dated before today's midnight UTC)."""
    return dt.datetime.now(dt.UTC).date()


def _dates(as_of: dt.date | None, start: dt.date | None, end: dt.date | None, every: str) -> list:
    if start is None and end is None:
        return [as_of or _today()]
    if as_of is not None or start is None or end is None or end < start:
        raise VigieError("Use either --as-of D, or --from D1 --to D2 (D2 >= D1) with --every Nd.")
    step = int(every[:-1]) * (7 if every.endswith("w") else 1)
    if step < 1 or every[-1] not in "dw":
        raise VigieError(f"--every {every!r}: use Nd (days) or Nw (weeks), e.g. 7d.")
    days = (end - start).days
    return [start + dt.timedelta(days=d) for d in range(0, days + 1, step)]


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
    card = load_scorecard(scorecard)
    dates = _dates(*(d.date() if d else None for d in (as_of, start, end)), every)
    ws = open_workspace(workspace)
    snapshots = score(ws, card, dates).snapshots.sort_values(["as_of", "score"])
    if as_json:
        console.print_json(snapshots.to_json(orient="records", date_format="iso"))
        return
    if as_csv:
        print(snapshots.to_csv(index=False), end="")
        return
    table = Table(title=f"{card.name} ({card.version})")
    for col in ("account_id", "as_of", "score_scaled", "band", "coverage", "delta_7d"):
        table.add_column(col)
    for row in snapshots.itertuples():
        table.add_row(
            row.account_id,
            str(row.as_of),
            f"{row.score_scaled:.1f}",
            str(row.band),
            f"{row.coverage:.0%}" if row.coverage == row.coverage else "",
            f"{row.delta_7d:+.1f}" if row.delta_7d == row.delta_7d else "",
        )
    console.print(table)


@app.command("compile")
def compile_cmd(
    scorecard: Annotated[str, typer.Argument(help="Bundled template name or YAML file.")],
    as_of: Annotated[dt.datetime, typer.Option("--as-of", formats=["%Y-%m-%d"])],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Print the SQL the workspace's backend runs to score SCORECARD as of a date."""
    ws = open_workspace(workspace)
    print(compile_sql(ws, load_scorecard(scorecard), as_of.date()))


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
    row = add_override(
        open_workspace(workspace),
        load_scorecard(scorecard),
        account,
        target,
        value,
        reason,
        until.date(),
    )
    console.print(
        f"Override {row['override_id']} recorded for {account} {target} until {until.date()}."
    )


def _num(value: object, fmt: str) -> str:
    """A number for a table cell; empty for NULL/NaN."""
    return "" if value is None or value != value else format(value, fmt)


def _print_frame(frame: pd.DataFrame, as_json: bool, as_csv: bool = False) -> bool:
    """Print `frame` as JSON or CSV when asked; True when done."""
    if as_json:
        console.print_json(frame.to_json(orient="records", date_format="iso"))
    elif as_csv:
        print(frame.to_csv(index=False), end="")
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
    limit: Annotated[int | None, typer.Option("--limit", min=1)] = None,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Latest stored score of every account, weakest first (or by ARR, or by name)."""
    ws = open_workspace(workspace)
    rows = accounts(ws, scorecard, band, segment, csm, min_score, max_score, sort, limit)
    if _print_frame(rows, as_json, as_csv):
        return
    title = f"{rows['scorecard'].iloc[0]}: {len(rows)} accounts" if len(rows) else "No accounts"
    table = Table(title=title)
    for col in ("account", "name", "segment", "csm", "as_of", "score", "band", "coverage", "ARR"):
        table.add_column(col, justify="right" if col in ("score", "coverage", "ARR") else "left")
    for row in rows.itertuples():
        table.add_row(
            row.account_id,
            str(row.name),
            str(row.segment or ""),
            str(row.csm or ""),
            str(row.as_of),
            _num(row.score_scaled, ".1f"),
            str(row.band or ""),
            _num(row.coverage, ".0%"),
            _num(row.arr, ",.0f"),
        )
    console.print(table)


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
            _num(row.score_scaled, ".1f") + (" (override)" if row.overridden else ""),
            str(row.band or ""),
            _num(row.coverage, ".0%"),
            *(_num(d, "+.1f") for d in (row.delta_7d, row.delta_30d, row.delta_90d)),
            row.scorecard_version,
        )
    console.print(table)
    console.print("Deltas are in points of the 0-100 composite.")


@app.command("explain")
def explain_cmd(
    account: Annotated[str, typer.Argument(help="Account id.")],
    start: Annotated[dt.datetime, typer.Option("--from", formats=["%Y-%m-%d"])],
    end: Annotated[dt.datetime, typer.Option("--to", formats=["%Y-%m-%d"])],
    workspace: WorkspaceOption = Path("."),
    scorecard: Annotated[
        str | None, typer.Option("--scorecard", "-s", help="Stored scorecard name.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Why ACCOUNT's score moved between two stored dates, largest measure first."""
    ws = open_workspace(workspace)
    found = explain(ws, account, start.date(), end.date(), scorecard)
    signals = signals_for(ws, account, found.date_to)
    if as_json:
        payload = found.to_dict() | {"signals": signals.to_dict(orient="records")}
        console.print_json(json.dumps(payload, default=str))
        return
    a, b = found.composite_from, found.composite_to
    console.print(
        f"{account} · {found.scorecard}: {_num(a['score_scaled'], '.1f')} ({a['band']}) on "
        f"{found.date_from} -> {_num(b['score_scaled'], '.1f')} ({b['band']}) on "
        f"{found.date_to}, {found.change:+.1f} points of 100"
    )
    if found.version_changed:
        console.print(
            f"[bold]The scorecard changed[/bold] between these dates "
            f"({found.version_from} -> {found.version_to}): part of the move comes from new rules."
        )
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
    dims = Table(title="Dimensions")
    for col in ("dimension", "score", "band", "change"):
        dims.add_column(col)
    for row in found.dimensions.itertuples():
        dims.add_row(
            row.dimension,
            f"{_cell(row.score_from, '.1f')} -> {_cell(row.score_to, '.1f')}",
            f"{_cell(row.band_from)} -> {_cell(row.band_to)}",
            _num(row.change, "+.1f"),
        )
    console.print(dims)
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
    _print_signals(signals, found.date_to)


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
