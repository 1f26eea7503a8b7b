"""`vigie worklist`, `vigie actions ...`, `vigie forecast`: thin doors to vigie.playbooks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from vigie.cli.app import (
    STALE_DAYS,
    JsonOption,
    WorkspaceOption,
    app,
    as_of_date,
    console,
    err_console,
    open_workspace,
    output_file,
    print_records,
    print_table,
    warn_about_arr,
    warn_if_data_ends_before,
)
from vigie.engine.history import check_account
from vigie.errors import PlaybookError
from vigie.jsonsafe import json_safe
from vigie.playbooks.actions import close_action, list_actions, open_actions
from vigie.playbooks.effectiveness import effectiveness
from vigie.playbooks.forecast import forecast
from vigie.playbooks.rules import load_playbooks
from vigie.playbooks.worklist import account_facts, worklist
from vigie.spreadsheet import csv_text, write_xlsx

DateOption = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Default: today (UTC)."),
]
actions_app = typer.Typer(
    help="Actions on accounts: list, add, done, dismiss.", no_args_is_help=True
)
app.add_typer(actions_app, name="actions")


@app.command("worklist")
def worklist_cmd(
    workspace: WorkspaceOption = Path("."),
    as_of: DateOption = None,
    csm: Annotated[str | None, typer.Option("--csm", help="Only this CSM's accounts.")] = None,
    playbooks: Annotated[
        Path | None,
        typer.Option(
            "--playbooks", help="Playbook YAML (default: <workspace>/playbooks.yaml, else bundled)."
        ),
    ] = None,
    scorecard: Annotated[str | None, typer.Option("--scorecard")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, max=10_000_000, help="Show the top N.")
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="Open the listed actions (never twice).")
    ] = False,
    as_json: JsonOption = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write an Excel file.")] = None,
) -> None:
    """Accounts ranked by ARR at risk, with risk type, evidence and the next action."""
    output_file(xlsx)
    ws = open_workspace(workspace)
    day = as_of_date(as_of)
    stale_data = warn_if_data_ends_before(ws, day)
    warn_about_arr(ws)
    books = load_playbooks(playbooks, ws)
    facts = account_facts(ws, day, scorecard)
    if not stale_data:  # else signals "as of today" is not the advice: --as-of is
        _warn_if_signals_are_old(facts, day)
    rows = worklist(facts, books, list_actions(ws), day, csm)
    rows = rows.head(limit) if limit is not None else rows
    if record:
        todo = rows[rows["open_action"].isna()].rename(columns={"action": "reason"})
        todo["due_days"] = (pd.to_datetime(todo["due"]) - pd.Timestamp(day)).dt.days
        created = open_actions(ws, todo)
        err_console.print(f"Opened {len(created)} action(s).")  # stdout stays JSON / CSV
        opened = created.set_index("account_id")
        new = rows["open_action"].isna() & rows["account_id"].isin(opened.index)
        if new.any():  # a daily --record opens nothing once every action is open
            rows.loc[new, "open_action"] = rows.loc[new, "account_id"].map(opened["action_id"])
            # due from now, as stored: --as-of a past date would print a due date already past
            stored_due = rows.loc[new, "account_id"].map(opened["due_at"])
            rows.loc[new, "due"] = pd.to_datetime(stored_due).dt.date
    if xlsx is not None:
        write_xlsx(rows, xlsx, "worklist")
        console.print(f"Wrote {len(rows)} row(s) to {xlsx}.")
    elif as_json:
        print_records(rows)
    elif as_csv:
        print(csv_text(rows), end="")
    else:
        columns = [
            "account_id",
            "csm",
            "arr",
            "arr_at_risk",
            "band",
            "risk_type",
            "playbook",
            "due",
            "open_action",
        ]
        print_table(rows, columns, f"Worklist as of {day}: {len(rows)} account(s)")
        missing = _missing_inputs(facts, day)
        if missing:
            console.print(f"Found no {missing}.", highlight=False)


def _warn_if_signals_are_old(facts: pd.DataFrame, day: dt.date) -> None:
    """The worklist reads the latest stored signals at or before D, however old: say so when
    they are older than STALE_DAYS (risk types and evidence describe that day)."""
    dated = facts["signals_date"].dropna()
    if dated.empty or (day - (last := dated.max())).days <= STALE_DAYS:
        return
    err_console.print(
        f"Warning: the newest stored signals are dated {last}, {(day - last).days} days before "
        f"{day}: risk types and evidence are that old. Run `vigie signals --as-of {day}` first.",
        highlight=False,
    )


def _missing_inputs(facts: pd.DataFrame, day: dt.date) -> str:
    """What the ranking and the playbooks had to do without, as a hint for an empty list."""
    if facts.empty:
        return f"account active on {day} (a subscription running that day)"
    missing = []
    if facts["score_date"].isna().all():
        missing.append(f"score dated on or before {day} (`vigie score`)")
    if facts["signals_date"].isna().all():
        missing.append(f"signals dated on or before {day} (`vigie signals`)")
    return " and no ".join(missing)


@actions_app.command("list")
def actions_list(
    workspace: WorkspaceOption = Path("."),
    status: Annotated[str | None, typer.Option("--status", help="open, done, dismissed.")] = None,
    account: Annotated[str | None, typer.Option("--account")] = None,
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    as_json: JsonOption = False,
) -> None:
    """Actions, newest first."""
    ws = open_workspace(workspace)
    if account is not None:
        check_account(ws, account)  # a typo lists nothing, without a word
    frame = list_actions(ws, status, account, owner)
    if as_json:
        print_records(frame)
        return
    columns = ["action_id", "account_id", "playbook", "reason", "owner", "due_at", "status"]
    print_table(frame, [*columns, "outcome"], f"{len(frame)} action(s)")


@actions_app.command("add")
def actions_add(
    account: Annotated[str, typer.Argument(help="Account id.")],
    reason: Annotated[str, typer.Option("--reason", help="What to do and why.")],
    playbook: Annotated[str, typer.Option("--playbook", help="Playbook name.")] = "manual",
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    due_days: Annotated[int, typer.Option("--due-days", min=0, max=3650)] = 7,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Open an action by hand (refused if the same playbook is already open on the account)."""
    ws = open_workspace(workspace)
    row = {"account_id": account, "playbook": playbook, "reason": reason, "owner": owner}
    created = open_actions(ws, pd.DataFrame([{**row, "due_days": due_days}]))
    if created.empty:
        raise PlaybookError(
            f"{account} already has an open {playbook!r} action; close it first "
            "(`vigie actions done|dismiss ID`)."
        )
    console.print(f"Opened {created['action_id'].iloc[0]}.")


def _close(workspace: Path, action_id: str, status: str, outcome: str | None, notes: str | None):
    row = close_action(open_workspace(workspace), action_id, status, outcome, notes)
    console.print(f"{row['action_id']} is {row['status']}.")


@actions_app.command("done")
def actions_done(
    action_id: Annotated[str, typer.Argument()],
    outcome: Annotated[str | None, typer.Option("--outcome", help="What happened.")] = None,
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Mark an open action done, with its outcome."""
    _close(workspace, action_id, "done", outcome, notes)


@actions_app.command("dismiss")
def actions_dismiss(
    action_id: Annotated[str, typer.Argument()],
    notes: Annotated[str | None, typer.Option("--notes", help="Why it was dismissed.")] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Dismiss an open action (not needed, not relevant)."""
    _close(workspace, action_id, "dismissed", None, notes)


@actions_app.command("effectiveness")
def actions_effectiveness(
    workspace: WorkspaceOption = Path("."),
    as_of: DateOption = None,
    scorecard: Annotated[str | None, typer.Option("--scorecard")] = None,
    as_json: JsonOption = False,
) -> None:
    """Accounts turning red per month; recovery rate and saved ARR per playbook vs no action."""
    e = effectiveness(open_workspace(workspace), as_of_date(as_of), scorecard)
    if as_json:
        tables = {"turned_red": e.turned_red, "playbooks": e.playbooks}
        console.print_json(
            json.dumps({k: json.loads(v.to_json(orient="records")) for k, v in tables.items()})
        )
        return
    print_table(e.turned_red, list(e.turned_red.columns), "Accounts turning red, by month")
    print_table(
        e.playbooks,
        list(e.playbooks.columns),
        "Recoveries (lowest band to top band within 90 days)",
    )


@app.command("forecast")
def forecast_cmd(
    workspace: WorkspaceOption = Path("."),
    as_of: DateOption = None,
    months: Annotated[
        int, typer.Option("--months", min=1, max=120, help="Horizon in months.")
    ] = 12,
    scorecard: Annotated[
        str | None,
        typer.Option(
            "--scorecard", help="Whose stored bands give churn rates (default: latest scored)."
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", help="Whose churn predictions give probabilities (default: the latest)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Renewals by month and quarter, expected ARR lost, forecast GRR and NRR."""
    ws, day = open_workspace(workspace), as_of_date(as_of)
    warn_if_data_ends_before(ws, day)
    warn_about_arr(ws)
    f = forecast(ws, day, months, scorecard, model)
    summary = {
        "as_of": f.as_of.isoformat(),
        "months": months,
        "arr": f.arr,
        "expected_arr_lost": f.expected_arr_lost,
        "arr_without_probability": f.arr_without_probability,
        "expansion_rate": f.expansion_rate,
        "contraction_rate": f.contraction_rate,
        "grr": f.grr,
        "nrr": f.nrr,
        "probability_sources": f.renewals["source"].value_counts().to_dict(),
        "model": f.model,
    }
    if as_json:
        by = {"by_month": f.by_month, "by_quarter": f.by_quarter, "renewals": f.renewals}
        tables = {k: v.to_dict(orient="records") for k, v in by.items()}
        console.print_json(json.dumps(json_safe({**summary, **tables})))
        return
    print_table(f.by_month, list(f.by_month.columns), f"Renewals by month after {f.as_of}")
    print_table(f.by_quarter, list(f.by_quarter.columns), "Renewals by quarter")
    console.print(
        f"ARR {f.arr:,.0f}; over the next {months} months: expected ARR lost "
        f"{f.expected_arr_lost:,.0f}, forecast {f.rates_text} (past year: expansion "
        f"{f.expansion_rate:.1%}, contraction {f.contraction_rate:.1%}); "
        "probabilities from: "
        + ", ".join(f"{source} {n:,}" for source, n in summary["probability_sources"].items())
        + (f" (model {f.model})" if f.model else "")
    )
    if f.model and "model" not in summary["probability_sources"]:
        console.print(
            f"No renewal took a probability from {f.model}: its latest predictions dated on or "
            f"before {f.as_of} cover none of them (`vigie predict --model {f.model} --as-of "
            f"{f.as_of}`).",
            highlight=False,
        )
    if f.arr_without_probability:
        console.print(
            f"No churn probability for {f.arr_without_probability:,.0f} of the ARR renewing: a "
            "model's prediction covers the renewals within its horizon after its date (90 days "
            "by default: `vigie predict` again later), and band history needs scores dated a year "
            f"and 30 days before {f.as_of} (`vigie score --from` an earlier date).",
            highlight=False,
        )
