"""Actions on accounts: open, then done or dismissed with an outcome and notes.

Actions live in the canonical `actions` table. Closing rewrites the table with
the one row changed (all or nothing), so a refused request leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
import uuid

import ibis
import pandas as pd
import pyarrow as pa

from vigie.errors import PlaybookError
from vigie.io.insert import insert_arrow
from vigie.schema import ACTION_STATUSES, TABLES
from vigie.workspace import Workspace

CLOSED = ("done", "dismissed")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def list_actions(
    workspace: Workspace,
    status: str | None = None,
    account: str | None = None,
    owner: str | None = None,
) -> pd.DataFrame:
    """Actions, newest first, optionally filtered by status, account and owner."""
    if status is not None and status not in ACTION_STATUSES:
        raise PlaybookError(f"Unknown status {status!r}: use one of {', '.join(ACTION_STATUSES)}.")
    t = workspace.table("actions")
    for column, value in (("status", status), ("account_id", account), ("owner", owner)):
        if value is not None:
            t = t.filter(t[column] == value)
    return t.order_by([ibis.desc("created_at"), "action_id"]).to_pandas()


def _write(workspace: Workspace, frame: pd.DataFrame, overwrite: bool) -> None:
    schema = TABLES["actions"].ibis_schema()
    arrow = pa.Table.from_pandas(
        frame[list(schema.names)], schema=schema.to_pyarrow(), preserve_index=False
    )
    insert_arrow(workspace.con, "actions", arrow, overwrite=overwrite)


def open_actions(
    workspace: Workspace, rows: pd.DataFrame, now: dt.datetime | None = None
) -> pd.DataFrame:
    """Open one action per row (account_id, playbook, reason, owner, due_days), skipping any
    (account, playbook) that already has an open action; returns the actions created. An
    action without an owner goes to the account's CSM."""
    now = now or _now()
    accounts = workspace.table("accounts").select("account_id", "csm").to_pandas()
    csm_of = accounts.set_index("account_id")["csm"]
    unknown = sorted(set(rows["account_id"]) - set(csm_of.index))
    if unknown:
        raise PlaybookError(f"Unknown account ids {unknown[:5]}: use ids from `vigie accounts`.")
    rows = rows.assign(owner=rows["owner"].fillna(rows["account_id"].map(csm_of)))
    current = list_actions(workspace, status="open")[["account_id", "playbook"]]
    fresh = rows.drop_duplicates(["account_id", "playbook"]).merge(
        current.assign(taken=True), on=["account_id", "playbook"], how="left"
    )
    fresh = fresh[fresh["taken"].isna()]
    new = pd.DataFrame(
        {
            "action_id": [f"A-{uuid.uuid4().hex[:10]}" for _ in range(len(fresh))],
            "account_id": fresh["account_id"].to_numpy(),
            "playbook": fresh["playbook"].to_numpy(),
            "reason": fresh["reason"].to_numpy(),
            "owner": fresh["owner"].to_numpy(),
            "created_at": now,
            "due_at": now + pd.to_timedelta(fresh["due_days"].to_numpy(), unit="D"),
            "status": "open",
            "completed_at": pd.NaT,
            "outcome": None,
            "notes": None,
        }
    )
    if not new.empty:
        _write(workspace, new, overwrite=False)
    return new


def close_action(
    workspace: Workspace,
    action_id: str,
    status: str,
    outcome: str | None = None,
    notes: str | None = None,
    now: dt.datetime | None = None,
) -> pd.Series:
    """Mark an open action done or dismissed; refuses unknown or already closed actions."""
    if status not in CLOSED:
        raise PlaybookError(f"Status {status!r} cannot close an action; use done or dismissed.")
    frame = workspace.table("actions").to_pandas()
    hit = frame["action_id"] == action_id
    if not hit.any():
        raise PlaybookError(f"No action {action_id!r}; list them with `vigie actions list`.")
    if frame.loc[hit, "status"].iloc[0] != "open":
        raise PlaybookError(
            f"Action {action_id} is already {frame.loc[hit, 'status'].iloc[0]}; only open "
            "actions can be closed."
        )
    frame.loc[hit, ["status", "completed_at", "outcome", "notes"]] = [
        status, now or _now(), outcome, notes,
    ]  # fmt: skip
    _write(workspace, frame, overwrite=True)
    return frame[hit].iloc[0]
