"""`vigie score`, `vigie compile`, `vigie override`: thin doors to vigie.engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigie.cli.app import JsonOption, WorkspaceOption, app, console, open_workspace
from vigie.engine.overrides import add_override
from vigie.engine.scoring import score
from vigie.errors import VigieError
from vigie.scorecard.compile import compile_sql
from vigie.scorecard.spec import DEFAULT_SCORECARD, load_scorecard

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
