"""Contracts and money: subscriptions, outcomes and invoices.

Terms follow each account's anchor date; a renewal is a new subscription row
starting when the previous one ends, churn is a last term without successor.
Seats move at renewals (expansions, downsells) and payments slip when health
or budget does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from vigie.simulate.model import (
    CHURN_DRIVERS,
    DECLINING,
    DOWNSELL,
    ENT,
    EXPANDING,
    MID,
    NO_MONTH,
    SILENT,
    SMB,
    Population,
    stream,
)
from vigie.simulate.tables import canonical

PLANS = ("starter", "pro", "enterprise")
PRICE_PER_SEAT = np.array([360.0, 720.0, 1200.0])
PREMIUM_PLANS = (1, 2)
"""Plans that include premium features (api, integrations, automation)."""
PAYMENT_TERMS_DAYS = 30


@dataclass(frozen=True)
class Commercial:
    subscriptions: pa.Table
    outcomes: pa.Table
    invoices: pa.Table
    plan: np.ndarray
    seats_by_month: np.ndarray
    """Licensed seats [accounts, window months]; 0 when not a customer."""
    current_arr: np.ndarray
    current_seats: np.ndarray
    renewal_date: np.ndarray
    """End of the term running at `end`; NaT for churned accounts."""


def build_commercial(pop: Population, account_ids: np.ndarray) -> Commercial:
    rng = stream(pop.seed, "commercial")
    n, months = pop.n, pop.months
    plan = np.select(
        [pop.segment == SMB, pop.segment == MID, pop.segment == ENT],
        [rng.choice([0, 1], n, p=[0.6, 0.4]), rng.choice([1, 2], n, p=[0.7, 0.3]), 2],
    )
    discount = rng.uniform(0.75, 1.0, n)

    # Every term k (absolute, from the first) up to the last that could be listed.
    kmax = 100 + months
    k = np.arange(kmax)[None, :]
    term = pop.term[:, None]
    term_month = pop.first_month[:, None] + k * term
    multiplier = _seat_multipliers(rng, pop, term_month)
    seats = np.maximum(1, np.round(pop.seats0[:, None] * np.cumprod(multiplier, axis=1)))
    seats = seats.astype(np.int64)
    arr = np.round(seats * PRICE_PER_SEAT[plan][:, None] * discount[:, None])

    stop = np.minimum(pop.churn_month, months)[:, None]
    listed = (term_month < stop) & (term_month + term > 0)
    a, kk = np.nonzero(listed)
    start = pop.cal.bound(term_month[a, kk]) + pop.day_offset[a]
    end = pop.cal.bound(term_month[a, kk] + pop.term[a]) + pop.day_offset[a]
    churned = pop.churn_month[a] < NO_MONTH
    last = churned & (term_month[a, kk] + pop.term[a] == pop.churn_month[a])
    status = np.where(end <= pop.cal.end64, np.where(last, "cancelled", "ended"), "active")
    sub_ids = np.char.add(np.char.add(account_ids[a], "-S"), np.char.zfill(kk.astype(str), 3))
    subscriptions = canonical(
        "subscriptions",
        {
            "subscription_id": sub_ids,
            "account_id": account_ids[a],
            "start_date": start,
            "end_date": end,
            "arr": arr[a, kk],
            "plan": np.array(PLANS)[plan[a]],
            "seats": seats[a, kk],
            "status": status,
        },
    )
    outcomes = _outcomes(pop, account_ids, arr, a, kk, term_month, start, last)
    invoices = _invoices(pop, sub_ids, account_ids[a], a, start, arr[a, kk], term_month[a, kk])

    window = np.arange(months)[None, :]
    k_at = np.clip((window - pop.first_month[:, None]) // term, 0, kmax - 1)
    # The churn month itself still has the days before the churn date.
    customer = (window >= np.maximum(pop.first_month, 0)[:, None]) & (
        window <= pop.churn_month[:, None]
    )
    seats_by_month = np.where(customer, np.take_along_axis(seats, k_at, axis=1), 0)

    running = status == "active"
    current_arr = np.zeros(n)
    current_arr[a[running]] = arr[a, kk][running]
    current_seats = np.zeros(n, dtype=np.int64)
    current_seats[a[running]] = seats[a, kk][running]
    renewal_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    renewal_date[a[running]] = end[running]
    return Commercial(
        subscriptions=subscriptions,
        outcomes=outcomes,
        invoices=invoices,
        plan=plan,
        seats_by_month=seats_by_month,
        current_arr=current_arr,
        current_seats=current_seats,
        renewal_date=renewal_date,
    )


def _seat_multipliers(
    rng: np.random.Generator, pop: Population, term_month: np.ndarray
) -> np.ndarray:
    """Seat change applied at the start of each term (term 0 is the first contract)."""
    shape = term_month.shape
    per_year = (pop.term[:, None] / 12).clip(None, 1)  # monthly terms move 12x less often
    archetype = pop.archetype[:, None]
    in_window = term_month >= 0
    p_up = np.where((archetype == EXPANDING) & in_window, 0.7, 0.15) * per_year
    p_down = 0.05 * per_year
    draw = rng.random(shape)
    up = np.where(
        archetype == EXPANDING, rng.uniform(1.15, 1.5, shape), rng.uniform(1.05, 1.3, shape)
    )
    multiplier = np.where(draw < p_up, up, 1.0)
    multiplier = np.where(draw > 1 - p_down, rng.uniform(0.8, 0.95, shape), multiplier)
    frozen = np.isin(archetype, (DECLINING, SILENT, DOWNSELL)) & in_window
    multiplier = np.where(frozen, 1.0, multiplier)
    cut = term_month == pop.change_month[:, None]
    multiplier = np.where(cut, rng.uniform(0.55, 0.85, shape), multiplier)
    multiplier[:, 0] = 1.0
    return multiplier


def _outcomes(
    pop: Population,
    account_ids: np.ndarray,
    arr: np.ndarray,
    a: np.ndarray,
    kk: np.ndarray,
    term_month: np.ndarray,
    start: np.ndarray,
    last: np.ndarray,
) -> pa.Table:
    """Renewals (annual terms and longer), expansions, downsells and churns in the window."""
    renewed = (kk >= 1) & (term_month[a, kk] >= 0)
    previous = arr[a, np.maximum(kk - 1, 0)]
    change = arr[a, kk] - previous
    kinds = [
        ("renewal", renewed & (pop.term[a] >= 12), np.zeros(a.size), start),
        ("expansion", renewed & (change > 0), change, start),
        ("downsell", renewed & (change < 0), change, start),
    ]
    end = pop.cal.bound(term_month[a, kk] + pop.term[a]) + pop.day_offset[a]
    kinds.append(("churn", last, -arr[a, kk], end))
    parts = {"account_id": [], "occurred_at": [], "kind": [], "arr_change": []}
    for kind, mask, value, day in kinds:
        parts["account_id"].append(account_ids[a[mask]])
        parts["occurred_at"].append(day[mask])
        parts["kind"].append(np.full(mask.sum(), kind))
        parts["arr_change"].append(value[mask])
    return canonical(
        "outcomes", {k: np.concatenate(v) for k, v in parts.items()}, sort_by="occurred_at"
    )


def _invoices(
    pop: Population,
    sub_ids: np.ndarray,
    sub_account: np.ndarray,
    a: np.ndarray,
    start: np.ndarray,
    arr: np.ndarray,
    month: np.ndarray,
) -> pa.Table:
    """Annual terms bill yearly in advance, monthly terms monthly; late when health or budget slips."""
    rng = stream(pop.seed, "invoices")
    term = pop.term[a]
    yearly = np.maximum(term // 12, 1)
    i = np.arange(3)[None, :]
    exists = i < yearly[:, None]
    row, inst = np.nonzero(exists)
    issued = pop.cal.bound(month[row] + 12 * inst) + pop.day_offset[a[row]]
    keep = issued < pop.cal.end64
    row, inst, issued = row[keep], inst[keep], issued[keep]
    acct = a[row]
    amount = np.where(term[row] >= 12, arr[row], np.round(arr[row] / 12, 2))
    due = issued + PAYMENT_TERMS_DAYS
    m = np.clip(pop.cal.month_of(issued), 0, pop.months - 1)
    health = pop.health[acct, m]
    in_story = pop.event_month[acct] <= m
    budget = (pop.driver[acct] == CHURN_DRIVERS.index("budget")) & in_story
    declining = (pop.archetype[acct] == DECLINING) & in_story
    p_late = 0.06 + 0.5 * (1 - health) ** 2 + 0.5 * budget + 0.3 * declining
    late = rng.random(row.size) < p_late
    delay = np.where(late, rng.integers(8, 90, row.size), -rng.integers(0, 25, row.size))
    paid = due + delay
    paid = np.where(paid < pop.cal.end64, paid, np.datetime64("NaT"))
    invoice_ids = np.char.add(np.char.add(sub_ids[row], "-I"), inst.astype(str))
    return canonical(
        "invoices",
        {
            "invoice_id": invoice_ids,
            "account_id": sub_account[row],
            "amount": amount,
            "issued_at": issued,
            "due_date": due,
            "paid_at": paid,
        },
        sort_by="issued_at",
    )
