"""What happened after each as-of date: churn (and downsell) labels from dated subscriptions.

An account active at D churns within (D, D + horizon] when its recurring
revenue stops in that window: a paid subscription ends on a day no other paid
subscription of the account covers and none follows within LATE_RENEWAL_DAYS
(no renewal), or the team recorded a `churn` outcome then. Accounts not active at D get no label at D. Labels read
the future on purpose; they are only ever used as targets, never as features.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis import _

from vigie.engine.state import account_state, dates_table, uncovered_ends
from vigie.errors import PredictionError
from vigie.workspace import Workspace

TARGETS = ("churn", "downsell")
DEFAULT_HORIZON = 90
LATE_RENEWAL_DAYS = 30
"""A paid term starting this many days or fewer after the previous one ended is a late
renewal (the paperwork lagged), not a churn and a return."""
DOWNSELL_SHARE = 0.99
"""ARR below this share of the ARR at D is a downsell: smaller drops are rounding, not a sale."""


def revenue_stops(workspace: Workspace) -> ir.Table:
    """(account_id, stop_date): days recurring revenue stops, from subscriptions and outcomes.

    A paid subscription's end_date (exclusive) is a stop when no paid subscription of the same
    account covers that day and none starts within LATE_RENEWAL_DAYS after it. A free term
    (a trial) that ends is not lost revenue; a paid plan that ends into a free one is.
    """
    subs = workspace.table("subscriptions")
    paid = subs.filter(subs.arr > 0).select("account_id", "start_date", "end_date")
    ends = uncovered_ends(paid)
    later = paid.view()
    # a left join counted, not a semi- or anti-join: Ibis compiles a second one of those to
    # LEFT ANTI JOIN (or SEMI), which PostgreSQL does not run
    renewals = ends.left_join(
        later,
        [
            ends.account_id == later.account_id,
            later.start_date > ends.end_date,
            later.start_date <= ends.end_date + ibis.interval(days=LATE_RENEWAL_DAYS),
        ],
    ).select(ends.account_id, ends.end_date, renewal=later.start_date)
    by_end = renewals.group_by("account_id", "end_date").agg(renewals=_.renewal.count())
    gaps = by_end.filter(by_end.renewals == 0).select("account_id", stop_date=_.end_date)
    outcomes = workspace.table("outcomes")
    recorded = outcomes.filter(outcomes.kind == "churn").select(
        "account_id", stop_date=outcomes.occurred_at
    )
    return gaps.union(recorded).distinct()


def churn_labels(
    workspace: Workspace, dates: list[dt.date], horizon: int = DEFAULT_HORIZON
) -> ir.Table:
    """(account_id, as_of, churned, churn_date) for accounts active at each date."""
    active = account_state(workspace, dates_table(dates))
    active = active.filter(active.active).select("account_id", "as_of")
    stops = revenue_stops(workspace)
    hits = active.join(
        stops,
        [
            active.account_id == stops.account_id,
            stops.stop_date > active.as_of,
            stops.stop_date <= active.as_of + ibis.interval(days=horizon),
        ],
    )
    first = hits.group_by("account_id", "as_of").agg(churn_date=hits.stop_date.min())
    labelled = active.left_join(first, ["account_id", "as_of"]).select(
        "account_id", "as_of", "churn_date"
    )
    return labelled.mutate(churned=labelled.churn_date.notnull())


def downsell_labels(
    workspace: Workspace, dates: list[dt.date], horizon: int = DEFAULT_HORIZON
) -> ir.Table:
    """(account_id, as_of, downsold): active at D and at D + horizon with less ARR (below
    DOWNSELL_SHARE of it, and still below LATE_RENEWAL_DAYS later: a term renewed late is not
    a downsell), or a recorded `downsell` outcome in (D, D + horizon]. Churners are not
    downsells."""
    now = account_state(workspace, dates_table(dates))
    now = now.filter(now.active).select("account_id", "as_of", arr_now="arr")
    # ARR at D + horizon, or LATE_RENEWAL_DAYS later when a late renewal restored it then
    at_end, grace = (
        _state_after(workspace, dates, horizon),
        _state_after(workspace, dates, horizon + LATE_RENEWAL_DAYS),
    )
    later = at_end.join(grace, ["account_id", "as_of"]).select(
        "account_id",
        "as_of",
        active_later=at_end.active | grace.active,
        arr_later=ibis.greatest(at_end.arr, grace.arr),
    )
    outcomes = workspace.table("outcomes")
    recorded = outcomes.filter(outcomes.kind == "downsell")
    joined = now.left_join(later, ["account_id", "as_of"]).drop("account_id_right", "as_of_right")
    marked = joined.left_join(
        recorded,
        [
            joined.account_id == recorded.account_id,
            recorded.occurred_at > joined.as_of,
            recorded.occurred_at <= joined.as_of + ibis.interval(days=horizon),
        ],
    )
    per_row = marked.group_by("account_id", "as_of").agg(
        shrank=((marked.arr_later < marked.arr_now * DOWNSELL_SHARE) & marked.active_later).any(),
        recorded=marked.occurred_at.notnull().any(),
        active_later=marked.active_later.any(),
    )
    return per_row.select(
        "account_id",
        "as_of",
        downsold=per_row.active_later.fill_null(False)
        & (per_row.shrank.fill_null(False) | per_row.recorded),
    )


def _state_after(workspace: Workspace, dates: list[dt.date], days: int) -> ir.Table:
    """(account_id, as_of, active, arr): each account's state `days` after each date D."""
    later = account_state(workspace, dates_table([d + dt.timedelta(days=days) for d in dates]))
    return later.select("account_id", "active", "arr", as_of=later.as_of - ibis.interval(days=days))


def labels_frame(
    workspace: Workspace,
    dates: list[dt.date],
    horizon: int = DEFAULT_HORIZON,
    target: str = "churn",
) -> pd.DataFrame:
    """The labels as pandas with a boolean `label` column (the chosen target)."""
    if target not in TARGETS:
        raise PredictionError(f"Unknown target {target!r}: use one of {', '.join(TARGETS)}.")
    check_observed(workspace, dates, horizon)
    churn = churn_labels(workspace, dates, horizon).to_pandas()
    churn["as_of"] = pd.to_datetime(churn["as_of"]).dt.date
    churn["churn_date"] = pd.to_datetime(churn["churn_date"]).dt.date
    if target == "churn":
        return churn.assign(label=churn["churned"].astype(bool))
    down = downsell_labels(workspace, dates, horizon).to_pandas()
    down["as_of"] = pd.to_datetime(down["as_of"]).dt.date
    merged = churn.merge(down, on=["account_id", "as_of"], how="left")
    return merged.assign(label=merged["downsold"].fillna(False).astype(bool) & ~merged["churned"])


def data_end(workspace: Workspace, today: dt.date | None = None) -> dt.date | None:
    """The day after the latest dated activity (usage, tickets, interactions, outcomes):
    outcomes after it are not known yet.

    Subscription start dates count only in a book without activity: a renewal booked to
    start after the export (or after today) must not make every contract ending before then
    (not renewed *yet*) look churned. Facts dated after today never count.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    activity = (
        ("usage_events", "occurred_at"),
        ("tickets", "opened_at"),
        ("interactions", "occurred_at"),
        ("outcomes", "occurred_at"),
    )
    latest = _latest(workspace, activity, today) or _latest(
        workspace, (("subscriptions", "start_date"),), today
    )
    return latest + dt.timedelta(days=1) if latest else None


def _latest(
    workspace: Workspace, columns: tuple[tuple[str, str], ...], today: dt.date
) -> dt.date | None:
    """The latest date on or before today in any of the (table, column) pairs."""
    found = []
    for table, column in columns:
        dated = workspace.table(table)[column]
        value = dated.max(where=dated.cast("date") <= today).execute()
        if value is not None and not pd.isna(value):
            found.append(pd.Timestamp(value).date())
    return max(found, default=None)


def check_observed(workspace: Workspace, dates: list[dt.date], horizon: int) -> None:
    """Refuse dates whose horizon, and the late-renewal grace after it, reach past the data:
    their churn is not known yet (a term ending at D + horizon may still be renewed up to
    LATE_RENEWAL_DAYS later)."""
    end = data_end(workspace)
    if end is None:
        raise PredictionError("The workspace has no subscriptions or usage: import data first.")
    reach = horizon + LATE_RENEWAL_DAYS
    late = [d for d in dates if d + dt.timedelta(days=reach) >= end]
    if late:
        raise PredictionError(
            f"{len(late)} date(s) from {min(late)} on are less than {horizon} days (+ "
            f"{LATE_RENEWAL_DAYS} for a late renewal) before the end of the data ({end}): "
            f"their churn is not known yet. Use dates up to {end - dt.timedelta(days=reach + 1)}."
        )


def labelled_dates(
    workspace: Workspace,
    horizon: int = DEFAULT_HORIZON,
    start: dt.date | None = None,
    end: dt.date | None = None,
    every: int = 7,
) -> list[dt.date]:
    """As-of dates every `every` days whose churn is known, ending at `end` (default: the last
    such date). The default start leaves 91 days of history so 90-day windows are full."""
    data_stop = data_end(workspace)
    if data_stop is None:
        raise PredictionError("The workspace has no subscriptions or usage: import data first.")
    last = end or data_stop - dt.timedelta(days=horizon + LATE_RENEWAL_DAYS + 1)
    if start is None:
        first_usage = workspace.table("usage_events").occurred_at.min().execute()
        first_sub = workspace.table("subscriptions").start_date.min().execute()
        first_fact = pd.Timestamp(first_usage if not pd.isna(first_usage) else first_sub).date()
        start = first_fact + dt.timedelta(days=91)
    if last < start:
        raise PredictionError(
            f"No as-of date between {start} and {last}: the data is too short for a "
            f"{horizon}-day horizon."
        )
    count = (last - start).days // every
    return [last - dt.timedelta(days=every * i) for i in range(count, -1, -1)]
