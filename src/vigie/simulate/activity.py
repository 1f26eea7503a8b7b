"""Product usage, generated one month at a time so 10k accounts fit in memory.

A licensed, adopted user is active on a given day with a probability set by
the account's latent health, the weekday and the holidays of its region. An
active user logs in (one row, quantity = sessions) and uses some features
(one row per feature, quantity = how many times). Premium features exist
only on plans that include them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.simulate.calendar import REGION_UTC_HOUR, WEEKDAY_FACTOR, holiday_factor, weekday
from vigie.simulate.commercial import PREMIUM_PLANS, Commercial
from vigie.simulate.model import SEASONAL, Population, stream
from vigie.simulate.tables import canonical

# event, premium, daily probability for an active user, mean extra count per use
FEATURES = (
    ("report_run", False, 0.35, 2.0),
    ("dashboard_view", False, 0.5, 4.0),
    ("export", False, 0.12, 1.0),
    ("api_call", True, 0.08, 40.0),
    ("integration_sync", True, 0.06, 3.0),
    ("workflow_automation", True, 0.05, 2.0),
)
EVENTS = ("login", *(f[0] for f in FEATURES))
DAILY_ACTIVE = 0.22
"""Weekday probability that an adopted user of a healthy account is active."""
ONBOARDING = np.array([0.4, 0.7])
"""Activity in a new customer's first and second month."""


def engagement(health: np.ndarray) -> np.ndarray:
    """How health turns into activity: nearly nothing below 0.1, full at 0.7."""
    return np.clip((health - 0.1) / 0.6, 0.02, 1.3)


def usage_chunks(
    pop: Population, commercial: Commercial, account_ids: np.ndarray
) -> Iterator[pa.Table]:
    """One table of usage_events per window month, in time order."""
    adoption = stream(pop.seed, "adoption").uniform(0.55, 0.9, pop.n)
    ids = pa.array(account_ids)
    for m in range(pop.months):
        yield _month(pop, commercial, ids, adoption, m)


def _month(
    pop: Population, commercial: Commercial, ids: pa.Array, adoption: np.ndarray, m: int
) -> pa.Table:
    rng = stream(pop.seed, "usage", m)
    days = pop.cal.month_days(m)
    pool = np.round(commercial.seats_by_month[:, m] * adoption).astype(np.int64)
    age = m - np.maximum(pop.first_month, 0)
    ramp = np.where(age < ONBOARDING.size, ONBOARDING[age.clip(0, ONBOARDING.size - 1)], 1.0)
    nxt = min(m + 1, pop.months - 1)
    t = np.arange(days.size)[None, :] / days.size
    health = pop.health[:, m, None] * (1 - t) + pop.health[:, nxt, None] * t
    p = DAILY_ACTIVE * (pop.usage_scale * ramp)[:, None] * engagement(health)
    p *= WEEKDAY_FACTOR[weekday(days)][None, :]
    p *= holiday_factor(days, pop.region, pop.archetype == SEASONAL)
    alive = (days[None, :] >= pop.start_date[:, None]) & (days[None, :] < pop.alive_until[:, None])
    active = rng.binomial(pool[:, None], np.where(alive, p.clip(0, 0.95), 0.0))

    # One row per active user-day: users are a run of the pool from a skewed start.
    counts = active.ravel()
    cell = np.repeat(np.arange(counts.size), counts)
    run = np.arange(cell.size) - np.repeat(np.cumsum(counts) - counts, counts)
    a, d = np.divmod(cell, days.size)
    first_user = (pool[a] * rng.random(counts.size)[cell] ** 2).astype(np.int64)
    user = (first_user + run) % pool[a]
    start_hour = REGION_UTC_HOUR[pop.region[a]] + rng.uniform(0, 8, a.size)
    login = days[d].astype("datetime64[s]") + (start_hour * 3600).astype(np.int64)

    rows_a, rows_user, rows_event, rows_time, rows_qty = (
        [a],
        [user],
        [np.zeros(a.size, np.int8)],
        [login],
        [1 + rng.poisson(0.6, a.size)],
    )
    depth = np.clip(engagement(health[a, d]), 0.2, 1.2)
    premium = np.isin(commercial.plan[a], PREMIUM_PLANS)
    for index, (_, is_premium, p_use, extra) in enumerate(FEATURES, start=1):
        used = rng.random(a.size) < p_use * depth
        if is_premium:
            used &= premium
        k = used.sum()
        minutes = rng.exponential(45, k).astype(np.int64) + 1
        day_end = days[d[used]].astype("datetime64[s]") + 86_399
        rows_a.append(a[used])
        rows_user.append(user[used])
        rows_event.append(np.full(k, index, np.int8))
        rows_time.append(np.minimum(login[used] + minutes * 60, day_end))
        rows_qty.append(1 + rng.poisson(extra, k))

    time = np.concatenate(rows_time)
    order = np.argsort(time, kind="stable")
    a = np.concatenate(rows_a)[order]
    account = ids.take(pa.array(a))
    user_no = pc.utf8_lpad(pc.cast(pa.array(np.concatenate(rows_user)[order]), pa.string()), 4, "0")
    return canonical(
        "usage_events",
        {
            "account_id": account,
            "user_id": pc.binary_join_element_wise(account, user_no, "-U"),
            "event": pa.array(EVENTS).take(pa.array(np.concatenate(rows_event)[order])),
            "occurred_at": time[order],
            "quantity": np.concatenate(rows_qty)[order].astype(np.float64),
        },
    )
