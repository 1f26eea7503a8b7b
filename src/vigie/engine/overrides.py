"""Manual overrides of a measure's points or of the overall score, with a reason and an expiry.

The `health_overrides` table is append-only and doubles as the audit trail
(who, when, what, why). An override applies to the as-of dates in
[valid_from, until): from the day it was created (a decision takes effect the
day it is made, the one deliberate exception to "facts before D") and lapses
by itself on `until`. When several apply, the most recently created wins.
"""

from __future__ import annotations

import datetime as dt
import getpass
import uuid

import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis import _

from vigie.errors import OverrideError, UnknownAccountError
from vigie.io.insert import insert_arrow
from vigie.scorecard import spec
from vigie.workspace import Workspace

OVERRIDES = "health_overrides"
OVERALL = "overall"
SCHEMA = ibis.schema(
    {
        "override_id": "string",
        "account_id": "string",
        "scorecard": "string",
        "target": "string",
        "value": "float64",
        "reason": "string",
        "valid_from": "date",
        "until": "date",
        "author": "string",
        "created_at": "timestamp(6)",
    }
)


def overrides_table(workspace: Workspace) -> ir.Table:
    """The overrides/audit table, created empty on first use."""
    if OVERRIDES not in workspace.con.list_tables():
        workspace.con.create_table(OVERRIDES, schema=SCHEMA)
    return workspace.con.table(OVERRIDES)


def applicable_overrides(
    workspace: Workspace, scorecard: str, dates: ir.Table, measure_keys: list[str]
) -> ir.Table:
    """Per account and as-of date of `dates` with an override in force: `ov_{i}` (points
    of measure i), `ov_overall` (+ reason), NULL where that target has none.

    Built from the (small) overrides table and the run's dates alone, so that reading
    it never re-evaluates the accounts' fact aggregates.
    """
    table = overrides_table(workspace).filter(_.scorecard == scorecard)
    joined = table.cross_join(dates)
    joined = joined.filter(joined.valid_from <= joined.as_of, joined.as_of < joined.until)
    latest = {
        f"ov_{i}": joined.value.argmax(joined.created_at, where=joined.target == key)
        for i, key in enumerate(measure_keys)
    }
    overall = joined.target == OVERALL
    return joined.group_by("account_id", "as_of").agg(
        **latest,
        ov_overall=joined.value.argmax(joined.created_at, where=overall),
        ov_overall_reason=joined.reason.argmax(joined.created_at, where=overall),
    )


def add_override(
    workspace: Workspace,
    card: spec.Scorecard,
    account_id: str,
    target: str,
    value: float,
    reason: str,
    until: dt.date,
    today: dt.date | None = None,
    author: str | None = None,
) -> dict[str, object]:
    """Record an override; `target` is `overall` (value in the scorecard's scale) or DIM.MEASURE (points 0-100)."""
    today = today or dt.datetime.now(dt.UTC).date()
    keys = [f"{d}.{m}" for d, m, _ in card.measures()]
    if target != OVERALL and target not in keys:
        raise OverrideError(
            f"Scorecard {card.name!r} has no measure {target!r}. Use one of: {', '.join(keys)}."
        )
    top = card.scale if target == OVERALL else 100.0
    if not 0 <= value <= top:
        raise OverrideError(f"Override value {value} is outside 0..{top:g} for {target!r}.")
    if not reason.strip():
        raise OverrideError("An override needs a reason: say why the data is wrong.")
    if until <= today:
        raise OverrideError(f"The override's end (until) {until} must be after today ({today}).")
    accounts = workspace.table("accounts")
    if accounts.filter(accounts.account_id == account_id).count().execute() == 0:
        raise UnknownAccountError(f"No account {account_id!r} in workspace {workspace.root}.")
    row = {
        "override_id": uuid.uuid4().hex[:12],
        "account_id": account_id,
        "scorecard": card.name,
        "target": target,
        "value": float(value),
        "reason": reason.strip(),
        "valid_from": today,
        "until": until,
        "author": author or getpass.getuser(),
        "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
    }
    overrides_table(workspace)
    arrow = pa.Table.from_pylist([row], schema=SCHEMA.to_pyarrow())
    insert_arrow(workspace.con, OVERRIDES, arrow)
    return row
