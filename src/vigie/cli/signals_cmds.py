"""`vigie signals`, `vigie risk`, `vigie sentiment`, `vigie review`: thin doors to the library."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from vigie.cli.app import (
    MAX_LISTED,
    JsonOption,
    WorkspaceOption,
    app,
    as_of_date,
    as_of_dates,
    console,
    open_workspace,
    print_records,
    print_table,
    warn_if_data_ends_before,
)
from vigie.engine.history import check_account
from vigie.errors import VigieError
from vigie.jsonsafe import json_safe
from vigie.review import DECISIONS, resolve_review, review_queue, stale_scores
from vigie.sentiment import import_sentiments, record_sentiment, sentiment_history
from vigie.signals.compute import KINDS, compute_signals
from vigie.signals.config import load_config
from vigie.signals.risk import risk_types

DateOption = Annotated[dt.datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"])]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Signal settings YAML (default: <workspace>/signals.yaml, else bundled)."
    ),
]


@app.command("signals")
def signals_cmd(
    workspace: WorkspaceOption = Path("."),
    as_of: DateOption = None,
    start: Annotated[dt.datetime | None, typer.Option("--from", formats=["%Y-%m-%d"])] = None,
    end: Annotated[dt.datetime | None, typer.Option("--to", formats=["%Y-%m-%d"])] = None,
    every: Annotated[str, typer.Option("--every", help="Step between dates, e.g. 7d.")] = "7d",
    account: Annotated[str | None, typer.Option("--account", help="Only this account.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this signal kind.")] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compute early-warning signals as of one or several dates, store them and list them."""
    if kind is not None and kind not in KINDS:
        raise VigieError(f"Unknown signal kind {kind!r}. Kinds: {', '.join(KINDS)}.")
    ws = open_workspace(workspace)
    if account is not None:
        check_account(ws, account)
    dates = as_of_dates(as_of, start, end, every)
    warn_if_data_ends_before(ws, dates[-1])
    frame = compute_signals(ws, dates, load_config(config, ws))
    if account is not None:
        frame = frame[frame["account_id"] == account]
    if kind is not None:
        frame = frame[frame["kind"] == kind]
    if as_json:
        print_records(frame)
        return
    columns = ["as_of", "account_id", "kind", "severity", "evidence"]
    if len(frame) <= MAX_LISTED:
        print_table(frame, columns, f"{len(frame)} signal(s)")
        return
    # a backfill fires thousands: count them, list the latest date's, point at the filters
    counts = frame.pivot_table(
        index="kind", columns="severity", values="account_id", aggfunc="count", fill_value=0
    ).reset_index()
    print_table(counts, list(counts.columns), f"{len(frame):,} signal(s) by kind and severity")
    latest = frame[frame["as_of"] == frame["as_of"].max()].head(MAX_LISTED)
    print_table(latest, columns, f"The first {len(latest)} of {frame['as_of'].max()}")
    console.print("All of them: --json, or narrow with --kind KIND / --account ID.")


@app.command("risk")
def risk_cmd(
    workspace: WorkspaceOption = Path("."),
    as_of: DateOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Each account's primary risk type as of a date (usage, relationship, support, ...)."""
    ws = open_workspace(workspace)
    settings = load_config(config, ws)
    dates = as_of_dates(as_of, None, None, "1d")
    # a read: the signals stored by `vigie signals` stay as they were
    signals = compute_signals(ws, dates, settings, persist=False)
    risks = risk_types(ws, signals, dates, settings)
    if as_json:
        print_records(risks)
        return
    print_table(
        risks, ["account_id", "risk_type", "points", "evidence"], f"Risk types as of {dates[0]}"
    )


@app.command("sentiment")
def sentiment_cmd(
    account: Annotated[str | None, typer.Argument(help="Account id (omit with --import).")] = None,
    rating: Annotated[str | None, typer.Option("--rating", help="green, yellow or red.")] = None,
    reason: Annotated[
        list[str] | None, typer.Option("--reason", help="Repeat for several.")
    ] = None,
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    author: Annotated[str | None, typer.Option("--author", help="Default: your user name.")] = None,
    import_file: Annotated[
        list[Path] | None, typer.Option("--import", help="Append ratings from a file.")
    ] = None,
    workspace: WorkspaceOption = Path("."),
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a CSM sentiment (--rating), import ratings (--import FILE), or show an account's history."""
    ws = open_workspace(workspace)
    if import_file:
        report = import_sentiments(ws, import_file)
        if as_json:
            console.print_json(data=json_safe(report.to_dict()))
            return
        console.print(f"Imported {report.inserted} sentiment(s) from {len(import_file)} file(s).")
        return
    if account is None:
        raise VigieError("Give an ACCOUNT (with --rating to record), or --import FILE.")
    if rating is None and (comment or reason):
        raise VigieError("--comment and --reason go with --rating: say the colour too.")
    if rating is not None:
        row = record_sentiment(
            ws, account, rating, reason or [], comment, author, config=load_config(config, ws)
        )
        if as_json:
            print_records(pd.DataFrame([row]))
            return
        console.print(f"Recorded {row['rating']} for {account} by {row['author']}.")
        return
    history = sentiment_history(ws, account)
    if as_json:  # reasons stay a list
        print_records(history)
        return
    history["reasons"] = history["reasons"].map(lambda r: ", ".join(r) if r is not None else "")
    print_table(
        history, ["rated_at", "author", "rating", "reasons", "comment"], f"Sentiment of {account}"
    )


review_app = typer.Typer(
    help="Accounts whose score band and CSM sentiment disagree.", invoke_without_command=True
)
app.add_typer(review_app, name="review")


@review_app.callback()
def review_list(
    ctx: typer.Context,
    workspace: WorkspaceOption = Path("."),
    as_of: DateOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the review queue (most ARR first); `vigie review resolve ACCOUNT` resolves an entry."""
    if ctx.invoked_subcommand is not None:
        return
    day = as_of_date(as_of)
    ws = open_workspace(workspace)
    settings = load_config(config, ws)
    queue = review_queue(ws, day, settings)
    if as_json:
        console.print_json(json.dumps(json_safe(queue.to_dict(orient="records"))))
        return
    columns = ["account_id", "name", "arr", "band", "rating", "direction", "stale", "signals"]
    print_table(queue, columns, f"Review queue as of {day}: {len(queue)} account(s)")
    note = stale_scores(ws, day, settings)
    if note is not None:
        console.print(f"No band to compare: {note}", highlight=False)


@review_app.command("resolve")
def review_resolve(
    account: Annotated[str, typer.Argument(help="Account id in the queue.")],
    decision: Annotated[str, typer.Option("--decision", help=" | ".join(DECISIONS))],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (required for override).")
    ] = None,
    rating: Annotated[str | None, typer.Option("--rating", help="Override colour.")] = None,
    until: Annotated[dt.datetime | None, typer.Option("--until", formats=["%Y-%m-%d"])] = None,
    as_of: DateOption = None,
    author: Annotated[str | None, typer.Option("--author")] = None,
    workspace: WorkspaceOption = Path("."),
    config: ConfigOption = None,
) -> None:
    """Resolve a queue entry: data (score right), csm (CSM right) or override (colour, reason, expiry)."""
    day = as_of_date(as_of)
    ws = open_workspace(workspace)
    row = resolve_review(
        ws, account, decision, day, reason, rating,
        until.date() if until else None, author, load_config(config, ws),
    )  # fmt: skip
    console.print(f"Resolved {account}: {row['decision']} (resolution {row['resolution_id']}).")
