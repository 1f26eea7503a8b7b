"""`vigie demo`: a simulated book, imported, scored and summarised."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from vigie.cli.app import app, console
from vigie.demo import build_demo, health_summary, portfolio_summary, weekly_dates
from vigie.engine.scoring import score
from vigie.scorecard import load_scorecard

DEMO_SCORECARD = "saas-standard"


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Workspace folder to create.")] = Path(
        "demo-workspace"
    ),
    accounts: Annotated[int, typer.Option(help="Accounts to simulate.")] = 500,
    months: Annotated[int, typer.Option(help="Months of history.")] = 24,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
) -> None:
    """Simulate a B2B book, import it, score it weekly and summarise it."""
    with console.status("Building the demo workspace") as status:
        built = build_demo(
            directory, accounts, months, seed, progress=lambda msg: status.update(msg)
        )
        workspace = built.workspace
        summary = portfolio_summary(workspace, built.end)
        card = load_scorecard(DEMO_SCORECARD)
        # Windows reach back up to 90 days: start scoring once they are full.
        dates = weekly_dates(built.start + dt.timedelta(days=90), built.end)
        status.update(f"Scoring {len(dates)} weekly dates with {card.name}")
        result = score(workspace, card, dates)
        health = health_summary(workspace, result.snapshots, card.bands[-1].name)
    _print_portfolio(summary)
    _print_health(health, card.name)
    console.print(
        f"\nWorkspace: [bold]{workspace.root}[/] — try [bold]vigie accounts -w {directory}[/]"
    )
    workspace.close()


def _print_portfolio(summary) -> None:
    counts = Table(title="Rows per table", title_justify="left")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name, rows in summary.row_counts.items():
        counts.add_row(name, f"{rows:,}")
    console.print(counts)
    segments = Table(title=f"Book as of {summary.as_of}", title_justify="left")
    for heading in ("segment", "active accounts", "ARR", "churned accounts"):
        segments.add_column(heading, justify="left" if heading == "segment" else "right")
    for row in summary.segments.itertuples():
        segments.add_row(
            row.segment, f"{row.active_accounts:,}", f"{row.arr:,.0f}", f"{row.churned_accounts:,}"
        )
    console.print(segments)


def _print_health(health, card_name: str) -> None:
    bands = Table(
        title=f"{card_name}: bands on {health.as_of} ({health.dates_scored} weekly dates scored)",
        title_justify="left",
    )
    for heading in ("band", "accounts", "ARR"):
        bands.add_column(heading, justify="left" if heading == "band" else "right")
    for row in health.bands.itertuples():
        bands.add_row(row.band, f"{row.accounts:,}", f"{row.arr:,.0f}")
    console.print(bands)
    red = Table(title="Most ARR in the lowest band", title_justify="left")
    for heading in ("account", "name", "segment", "CSM", "ARR", "score", "coverage"):
        red.add_column(heading)
    for row in health.top_red.itertuples():
        red.add_row(
            row.account_id,
            row.name,
            str(row.segment),
            str(row.csm),
            f"{row.arr:,.0f}",
            f"{row.score:.1f}",
            f"{row.coverage:.0%}",
        )
    console.print(red)
