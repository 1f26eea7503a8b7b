"""Support tickets: volume, severity, escalations and repeats rise as health falls."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from vigie.schema import SEVERITIES
from vigie.simulate.calendar import REGION_UTC_HOUR
from vigie.simulate.model import Population, stream
from vigie.simulate.tables import canonical, ids

TOPICS = (
    "login",
    "billing",
    "performance",
    "integration",
    "reporting",
    "data_quality",
    "permissions",
    "bug",
)
HOURS_TO_CLOSE = np.array([72.0, 48.0, 24.0, 8.0])
"""Median resolution time per severity (low..critical) for a healthy account."""


def build_tickets(pop: Population, account_ids: np.ndarray, seats: np.ndarray) -> pa.Table:
    """`seats` [accounts, months] scales volume: bigger customers open more tickets."""
    rng = stream(pop.seed, "tickets")
    n = pop.n
    health = pop.health
    lam = 0.06 * np.power(seats, 0.6) * (0.5 + 2.0 * (1 - health) ** 1.5)
    counts = rng.poisson(lam)
    a, m = np.nonzero(counts)
    a, m = np.repeat(a, counts[a, m]), np.repeat(m, counts[a, m])
    h = health[a, m]
    length = (pop.cal.bound(m + 1) - pop.cal.bound(m)).astype(np.int64)
    day = pop.cal.bound(m) + (rng.random(a.size) * length).astype(np.int64)
    hours = REGION_UTC_HOUR[pop.region[a]] + rng.uniform(0, 10, a.size)
    opened = day.astype("datetime64[s]") + (hours * 3600).astype(np.int64)

    # Struggling accounts keep hitting their one pain point: repeats of the same topic.
    pain = rng.integers(0, len(TOPICS), n)
    repeat = rng.random(a.size) < 0.1 + 0.7 * (1 - h)
    topic = np.where(repeat, pain[a], rng.integers(0, len(TOPICS), a.size))

    unwell = 1 - h
    p_sev = np.stack([0.4 - 0.25 * unwell, 0.45 * np.ones_like(h), 0.12 + 0.15 * unwell], axis=1)
    p_sev = np.column_stack([p_sev, 1 - p_sev.sum(axis=1)])
    severity = (rng.random(a.size)[:, None] > np.cumsum(p_sev, axis=1)).sum(axis=1).clip(0, 3)
    p_escalate = 0.03 + 0.6 * unwell**2 + np.array([0.0, 0.02, 0.1, 0.35])[severity]
    escalated = rng.random(a.size) < p_escalate

    to_close = HOURS_TO_CLOSE[severity] * (1 + 2 * unwell) * rng.lognormal(0, 0.6, a.size)
    closed = opened + (to_close * 3600).astype(np.int64)
    is_closed = closed < pop.cal.end64
    rated = is_closed & (rng.random(a.size) < 0.45)
    csat = np.clip(np.round(1 + 4 * h + rng.normal(0, 0.7, a.size)), 1, 5)

    keep = (day >= pop.start_date[a]) & (day < pop.alive_until[a]) & (opened < pop.cal.end64)
    order = np.argsort(np.where(keep, opened, np.datetime64("2200-01-01")), kind="stable")
    order = order[: keep.sum()]
    return canonical(
        "tickets",
        {
            "ticket_id": ids("TCK-", np.arange(1, order.size + 1), 7),
            "account_id": account_ids[a[order]],
            "opened_at": opened[order],
            "closed_at": np.where(is_closed, closed, np.datetime64("NaT"))[order],
            "severity": np.array(SEVERITIES)[severity[order]],
            "escalated": escalated[order],
            "topic": np.array(TOPICS)[topic[order]],
            "csat": pa.array(csat[order], mask=~rated[order]),
        },
    )
