"""`vigie demo`: a simulated book, imported, scored and summarised."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.table import Table

from vigie.cli.app import app, console
from vigie.cli.web_cmds import serve_cmd
from vigie.demo import (
    DemoLogin,
    build_demo,
    create_demo_users,
    health_summary,
    portfolio_summary,
    weekly_dates,
)
from vigie.engine.scoring import score
from vigie.playbooks.actions import list_actions
from vigie.playbooks.forecast import Forecast, forecast
from vigie.playbooks.rules import load_playbooks
from vigie.playbooks.worklist import account_facts, worklist
from vigie.predict.labels import labelled_dates
from vigie.review import review_queue
from vigie.scorecard import load_scorecard
from vigie.signals.compute import recent_signals

if TYPE_CHECKING:
    from vigie.predict.backtest import Backtest

DEMO_SCORECARD = "saas-standard"
REPORT = "backtest-report.html"
SHOWN = 12
"""Rows shown per list: the demo points at the commands that show everything."""


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Workspace folder to create.")] = Path(
        "demo-workspace"
    ),
    accounts: Annotated[int, typer.Option(help="Accounts to simulate.")] = 500,
    months: Annotated[int, typer.Option(help="Months of history.")] = 24,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    serve: Annotated[
        bool,
        typer.Option(envvar="VIGIE_DEMO_SERVE", help="Serve the dashboard at the end."),
    ] = True,
    port: Annotated[int, typer.Option(help="Dashboard port.")] = 8000,
) -> None:
    """Simulate a book, import, score, raise signals, train, backtest, then serve the dashboard."""
    # the modelling libraries take a second to import: only the demo pays it, not every command
    from vigie.predict.predict import predict
    from vigie.predict.report import write_report
    from vigie.predict.train import train

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
        status.update("Computing the early-warning signals of the last 30 days")
        recent = recent_signals(workspace, built.end)
        queue = review_queue(workspace, built.end)
        status.update("Training the churn model and backtesting it against the scorecard")
        model, tested, baseline = train(workspace, card, labelled_dates(workspace))
        report = write_report(
            workspace.root / REPORT, [tested, baseline], title="Vigie demo: held-out test dates"
        )
        predictions = predict(workspace, model, built.end)
        status.update("Ranking each CSM's worklist and forecasting renewals")
        todo = worklist(
            account_facts(workspace, built.end),
            load_playbooks(),
            list_actions(workspace),
            built.end,
        )
        outlook = forecast(workspace, built.end)
        logins = create_demo_users(workspace, built.end)
    _print_portfolio(summary)
    _print_health(health, card.name)
    _print_signals(recent)
    _print_review(queue)
    _print_prediction(tested, baseline, report, predictions)
    _print_worklists(todo)
    _print_forecast(outlook)
    _print_logins(logins)
    console.print(
        f"\nWorkspace: [bold]{workspace.root}[/] — try [bold]vigie accounts -w {directory}[/]"
    )
    workspace.close()
    if serve:
        serve_cmd(workspace=workspace.root, port=port)


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


def _print_signals(recent: pd.DataFrame) -> None:
    per_kind = recent.groupby("kind")["account_id"].nunique().sort_values(ascending=False)
    console.print(
        f"\n[bold]Signals fired in the last 30 days[/]: {len(recent):,} on "
        f"{recent['account_id'].nunique():,} accounts — "
        + ", ".join(f"{kind} {n}" for kind, n in per_kind.items())
    )
    table = Table(title="Most severe first (vigie signals shows all)", title_justify="left")
    for heading in ("account", "kind", "severity", "first fired", "evidence"):
        table.add_column(heading)
    for row in recent.head(SHOWN).itertuples():
        table.add_row(row.account_id, row.kind, row.severity, str(row.first_fired), row.evidence)
    console.print(table)


def _print_review(queue: pd.DataFrame) -> None:
    table = Table(
        title=f"Review queue: {len(queue)} accounts where the score and the CSM disagree "
        "(vigie review)",
        title_justify="left",
    )
    for heading in ("account", "name", "CSM", "ARR", "band", "CSM rating", "reasons", "stale"):
        table.add_column(heading)
    for row in queue.head(SHOWN).itertuples():
        table.add_row(
            row.account_id, row.name, str(row.csm), f"{row.arr:,.0f}", str(row.band),
            str(row.rating), str(row.reasons or ""), "yes" if row.stale else "",
        )  # fmt: skip
    console.print(table)


def _print_prediction(
    tested: Backtest, baseline: Backtest, report: Path, predictions: pd.DataFrame
) -> None:
    table = Table(
        title="Who predicted churn better on held-out dates (vigie backtest)", title_justify="left"
    )
    for heading in ("", "ROC AUC", "lift, riskiest 10 %", "churners caught in riskiest 10 %"):
        table.add_column(heading, justify="left" if not heading else "right")
    for result in (tested, baseline):
        table.add_row(
            result.name,
            f"{result.roc_auc:.3f}",
            f"{result.top_decile_lift:.2f}",
            f"{result.top_decile_capture:.0%}",
        )
    console.print(table)
    console.print(f"Backtest report: [bold]{report}[/]")
    riskiest = Table(title="Highest churn risk today (vigie predict)", title_justify="left")
    for heading in ("account", "churn probability", "score", "band", "top drivers"):
        riskiest.add_column(heading)
    for row in predictions.head(SHOWN).itertuples():
        drivers = ", ".join(d for d in (row.driver_1, row.driver_2, row.driver_3) if d)
        riskiest.add_row(
            row.account_id, f"{row.probability:.1%}", f"{row.score:.1f}", str(row.band), drivers
        )
    console.print(riskiest)


def _print_logins(logins: list[DemoLogin]) -> None:
    table = Table(title="Dashboard logins (demo only)", title_justify="left")
    for heading in ("user", "password", "role", "book", "language"):
        table.add_column(heading)
    for login in logins:
        table.add_row(login.username, login.password, login.role, login.csm or "", login.language)
    console.print(table)


def _print_worklists(todo: pd.DataFrame, per_csm: int = 3) -> None:
    table = Table(
        title=f"Top {per_csm} of each CSM's worklist, by ARR at risk (vigie worklist --csm NAME)",
        title_justify="left",
    )
    for heading in ("CSM", "account", "ARR at risk", "risk type", "next action", "due"):
        table.add_column(heading)
    for csm, rows in todo.groupby("csm", sort=True):
        for row in rows.head(per_csm).itertuples():
            table.add_row(
                str(csm), row.account_id, f"{row.arr_at_risk:,.0f}", row.risk_type if pd.notna(row.risk_type) else "",
                row.action, str(row.due),
            )  # fmt: skip
    console.print(table)


def _print_forecast(outlook: Forecast) -> None:
    table = Table(title=f"Renewals after {outlook.as_of} (vigie forecast)", title_justify="left")
    columns = list(outlook.by_quarter.columns)
    for heading in columns:
        table.add_column(heading, justify="right")
    for row in outlook.by_quarter.itertuples(index=False):
        table.add_row(*(f"{v:,.0f}" if isinstance(v, float) else str(v) for v in row))
    console.print(table)
    console.print(
        f"ARR {outlook.arr:,.0f}; over the next 12 months: expected ARR lost "
        f"{outlook.expected_arr_lost:,.0f}, forecast {outlook.rates_text}"
    )
