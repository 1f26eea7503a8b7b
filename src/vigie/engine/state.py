"""Account state as of a date, derived from dated subscriptions (never from `current` columns).

An account is active at D when one of its subscriptions covers D
([start_date, end_date), end_date empty = open-ended); when one of its child
accounts is (a holding parent without a contract of its own); or when none of
its subscriptions has started by D and its `customer_since` is on or before D
(a customer whose contracts are not in the data). An account without either (a
prospect, a trial that did not convert) is not a customer. Teams without any
subscription data are still served: when the subscriptions table is empty,
every account counts as active from its `customer_since` date (always, if that
is empty). Every rule reads only what holds at D: a subscription booked to
start after D changes nothing at D.
The renewal at D is the last end date of the subscriptions covering D; none when one of
them is open-ended (an add-on ending next month does not renew an evergreen contract).
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.schema import TABLES
from vigie.workspace import Workspace

STATE_COLUMNS = ("active", "arr", "seats", "plan", "days_to_renewal", "tenure_days")
"""Attributes computed as of D; every other attribute is a non-current accounts column."""
ACCOUNT_COLUMNS = tuple(
    c.name for c in TABLES["accounts"].columns if not c.current and c.name != "attributes"
)


def currencies(workspace: Workspace) -> dict[str, int]:
    """Accounts per currency, in name order. ARR sums add amounts as imported: with several
    currencies they mean nothing unless the amounts were converted first, so every place
    that prints such a sum says so."""
    accounts = workspace.table("accounts")
    counts = accounts.filter(accounts.currency.notnull()).currency.value_counts()
    rows = counts.order_by("currency").to_pyarrow().to_pylist()
    return {row["currency"]: row["currency_count"] for row in rows}


def dates_table(dates: list) -> ir.Table:
    """The as-of dates of a run as a one-column table, to cross join with accounts."""
    return ibis.memtable({"as_of": sorted(set(dates))}, schema={"as_of": "date"})


OPEN_END = dt.date(9999, 12, 31)
"""The end of a subscription without one, where a comparison needs a date."""


def uncovered_ends(subscriptions: ir.Table) -> ir.Table:
    """Subscriptions whose end_date no subscription of the same account covers: the days
    recurring revenue stops (nothing renews or continues them)."""
    ends = subscriptions.filter(subscriptions.end_date.notnull())
    cover = subscriptions.view()
    # an open end as a far date, not `IS NULL OR >`: with an OR in its condition DuckDB joins
    # every pair of subscriptions (37.8 s at 126k subscriptions; 0.03 s this way)
    open_end = cover.end_date.fill_null(OPEN_END)
    return ends.anti_join(
        cover,
        [
            ends.account_id == cover.account_id,
            cover.start_date <= ends.end_date,
            open_end > ends.end_date,
        ],
    )


def account_state(workspace: Workspace, dates: ir.Table) -> ir.Table:
    """Every account x as-of date with its state at that date (see STATE_COLUMNS)."""
    accounts = workspace.table("accounts").select(*ACCOUNT_COLUMNS)
    subs = workspace.table("subscriptions")
    started = subs.join(dates, subs.start_date <= dates.as_of)
    covers = started.end_date.isnull() | (started.end_date > started.as_of)
    at_date = started.group_by("account_id", "as_of").agg(
        n_active=_.count(where=covers),
        arr=_.arr.sum(where=covers),
        seats=_.seats.sum(where=covers),
        plan=_.plan.argmax(_.start_date, where=covers),
        renewal=_.end_date.max(where=covers),
        open_ended=_.count(where=covers & _.end_date.isnull()),
        first_start=_.start_date.min(),
    )
    children = workspace.table("accounts").select("account_id", parent="parent_account_id")
    children = children.filter(children.parent.notnull())
    held = (
        children.join(at_date.filter(at_date.n_active > 0), "account_id")
        .select(account_id="parent", as_of="as_of")
        .distinct()
        .mutate(child_active=True)
    )
    # one join chain, the right keys renamed apart and left out by the select below
    grid = (
        accounts.cross_join(dates)
        .left_join(at_date, ["account_id", "as_of"], rname="{name}_at_date")
        .left_join(held, ["account_id", "as_of"], rname="{name}_held")
    )
    since_then = grid.customer_since <= grid.as_of
    active = ibis.ifelse(
        subs.count().as_scalar() == 0,  # a book without subscription data: module docstring
        grid.customer_since.isnull() | since_then,
        (grid.n_active.fill_null(0) > 0)
        | grid.child_active.notnull()
        | (grid.first_start.isnull() & since_then.fill_null(False)),
    )
    # the earliest sign of the customer by D: a contract booked later must not restart tenure
    since = ibis.least(grid.first_start, ibis.ifelse(since_then, grid.customer_since, None))
    return grid.select(
        *ACCOUNT_COLUMNS,
        "as_of",
        active=active,
        arr=grid.arr.cast("float64"),
        seats=grid.seats,
        plan=grid.plan,
        # a running open-ended subscription: the account's revenue has no end date to renew
        days_to_renewal=ibis.ifelse(
            grid.open_ended > 0, ibis.null("int64"), grid.renewal.delta(grid.as_of, unit="day")
        ),
        tenure_days=grid.as_of.delta(since, unit="day"),
    )
