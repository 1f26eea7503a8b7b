"""The customer's and the CSM's voice: surveys, CSM sentiments and hand ratings.

Answers follow satisfaction (latent health, higher for "happy but low usage"
accounts, so NPS can be high while usage is low). CSM sentiment mostly
mirrors what the CSM sees: silent churners look green unless the CSM
happens to hear about the budget cut, the strategy change or the champion.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from vigie.schema import SENTIMENT_REASONS
from vigie.simulate.model import (
    CHURN_DRIVERS,
    DECLINING,
    DOWNSELL,
    HAPPY_LOW,
    SILENT,
    Population,
    stream,
)
from vigie.simulate.people import SLOTS, Interactions, People, quiet
from vigie.simulate.tables import canonical, ids

RATED_MEASURES = ("usage", "relationship", "satisfaction", "payment")
"""Hand-rated criteria of the starter-8 scorecard, each on 0-2."""


def satisfaction(pop: Population) -> np.ndarray:
    """[accounts, months]: what customers would say, somewhat above their usage health."""
    return pop.health + 0.15 + np.where(pop.archetype == HAPPY_LOW, 0.1, 0.0)[:, None]


def build_surveys(pop: Population, people: People, account_ids: np.ndarray) -> pa.Table:
    rng = stream(pop.seed, "surveys")
    n, months = pop.n, pop.months
    m = np.arange(months)[None, :]
    phase = rng.integers(0, 6, (n, 1))
    sat = satisfaction(pop)
    silence = np.where(quiet(pop), 0.4, 1.0)
    # kind, campaign months, respondents (all contacts or one), response rate, scale (lo, hi), noise
    plans = (
        ("nps", (m + phase) % 6 == 0, True, 0.35, (0, 10), 1.3),
        ("csat", (m + phase) % 3 == 1, False, 0.3, (1, 5), 0.6),
        ("ces", (m + phase) % 6 == 3, False, 0.15, (1, 7), 0.9),
    )
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("a", "contact", "kind", "score", "time")}
    for kind, campaign, everyone, rate, (lo, hi), noise in plans:
        a, mm = np.nonzero(campaign)
        width = SLOTS if everyone else 1
        a, mm = np.repeat(a, width), np.repeat(mm, width)
        slot = (
            np.tile(np.arange(width), a.size // width)
            if everyone
            else rng.integers(0, people.slots[a])
        )
        day = pop.cal.bound(mm) + rng.integers(0, 20, a.size)
        gen = people.present(a, slot, day)
        p = rate * (0.4 + pop.health[a, mm]) * silence[a, mm]
        answered = (gen >= 0) & (slot < people.slots[a]) & (rng.random(a.size) < p)
        a, mm, slot, gen, day = (
            a[answered],
            mm[answered],
            slot[answered],
            gen[answered],
            day[answered],
        )
        score = np.round(lo + (hi - lo) * sat[a, mm] + rng.normal(0, noise, a.size)).clip(lo, hi)
        seconds = rng.integers(6 * 3600, 22 * 3600, a.size)
        parts["a"].append(a)
        parts["contact"].append(people.contact_id[a, slot, gen])
        parts["kind"].append(np.full(a.size, kind))
        parts["score"].append(score)
        parts["time"].append(day.astype("datetime64[s]") + seconds)
    a, time = np.concatenate(parts["a"]), np.concatenate(parts["time"])
    keep = (time < pop.alive_until[a]) & (time >= pop.start_date[a])
    order = np.argsort(np.where(keep, time, np.datetime64("2200-01-01")), kind="stable")
    order = order[: keep.sum()]
    kind, score = np.concatenate(parts["kind"])[order], np.concatenate(parts["score"])[order]
    return canonical(
        "surveys",
        {
            "response_id": ids("RSP-", np.arange(1, order.size + 1), 8),
            "account_id": account_ids[a[order]],
            "contact_id": np.concatenate(parts["contact"])[order],
            "kind": kind,
            "score": score,
            "answered_at": time[order],
        },
    )


def build_sentiments(
    pop: Population, people: People, talks: Interactions, csm: np.ndarray, account_ids: np.ndarray
) -> pa.Table:
    """After most calls, meetings and QBRs the CSM logs a colour and reasons."""
    rng = stream(pop.seed, "sentiments")
    logged = np.isin(talks.kind, ("call", "meeting", "qbr")) & (rng.random(talks.kind.size) < 0.6)
    a = talks.account[logged]
    time = talks.time[logged] + rng.integers(10 * 60, 4 * 3600, a.size)
    keep = time < pop.alive_until[a]
    a, time = a[keep], time[keep]
    a_time = np.unique(np.column_stack([a, time.astype(np.int64)]), axis=0)  # one per moment
    a, time = a_time[:, 0], a_time[:, 1].astype("datetime64[s]")
    m = np.clip(pop.cal.month_of(time.astype("datetime64[D]")), 0, pop.months - 1)
    arche = pop.archetype[a]
    perceived = pop.health[a, m] + rng.normal(0, 0.08, a.size)
    champion_gone = ~people.champion_present(a, time.astype("datetime64[D]"))
    perceived -= 0.1 * champion_gone
    exit_story = (arche == SILENT) & (pop.event_month[a] <= m)
    noticed = exit_story & (rng.random(a.size) < 0.35)
    perceived -= 0.3 * noticed
    rating = np.select([perceived >= 0.58, perceived >= 0.4], ["green", "yellow"], "red")

    reason = np.zeros((a.size, len(SENTIMENT_REASONS)), dtype=bool)
    worried = rating != "green"
    col = {r: i for i, r in enumerate(SENTIMENT_REASONS)}
    reason[:, col["champion_left"]] = worried & champion_gone
    driver = np.array(CHURN_DRIVERS)[pop.driver[a].clip(0)]
    for name in CHURN_DRIVERS:
        if name in col:
            reason[:, col[name]] |= noticed & (driver == name)
    reason[:, col["silent_dissatisfaction"]] = worried & (arche == DECLINING)
    reason[:, col["competitor"]] = worried & (arche == DECLINING) & (rng.random(a.size) < 0.3)
    reason[:, col["budget"]] |= worried & (arche == DOWNSELL)
    reason[:, col["other"]] = worried & ~reason.any(axis=1)
    cols = np.nonzero(reason)[1]
    offsets = np.concatenate([[0], np.cumsum(reason.sum(axis=1))]).astype(np.int32)
    reasons = pa.ListArray.from_arrays(
        pa.array(offsets),
        pa.array(np.array(SENTIMENT_REASONS)[cols]),
        mask=pa.array(~reason.any(axis=1)),
    )
    order = np.argsort(time, kind="stable")
    return canonical(
        "sentiments",
        {
            "account_id": account_ids[a],
            "author": csm[a],
            "rated_at": time,
            "rating": rating,
            "reasons": reasons,
        },
    ).take(order)


def build_ratings(
    pop: Population, people: People, csm: np.ndarray, account_ids: np.ndarray
) -> pa.Table:
    """A quarter of the book is hand-rated each quarter on four 0-2 criteria (starter-8)."""
    rng = stream(pop.seed, "ratings")
    rated_accounts = rng.random(pop.n) < 0.25
    m = np.arange(pop.months)[None, :]
    a, mm = np.nonzero(rated_accounts[:, None] & (m % 3 == 2))
    day = pop.cal.bound(mm) + rng.integers(15, 27, a.size)
    time = day.astype("datetime64[s]") + 16 * 3600 + rng.integers(0, 3600, a.size)
    keep = (day >= pop.start_date[a]) & (time < pop.alive_until[a])
    a, mm, day, time = a[keep], mm[keep], day[keep], time[keep]
    h = pop.health[a, mm]
    usage = pop.usage_scale[a] * np.clip((h - 0.1) / 0.6, 0, 1.2) + rng.normal(0, 0.15, a.size)
    champion = people.champion_present(a, day)
    relationship = h + rng.normal(0, 0.1, a.size) - 0.3 * quiet(pop)[a, mm] - 0.25 * ~champion
    sat = satisfaction(pop)[a, mm] + rng.normal(0, 0.1, a.size)
    in_story = pop.event_month[a] <= mm
    budget = (pop.driver[a] == CHURN_DRIVERS.index("budget")) & in_story
    late_risk = (
        0.06
        + 0.5 * (1 - h) ** 2
        + 0.5 * budget
        + 0.3 * ((pop.archetype[a] == DECLINING) & in_story)
    )
    late_risk += rng.normal(0, 0.05, a.size)
    values = {
        "usage": np.select([usage > 0.8, usage > 0.45], [2.0, 1.0], 0.0),
        "relationship": np.select([relationship >= 0.6, relationship >= 0.4], [2.0, 1.0], 0.0),
        "satisfaction": np.select([sat >= 0.75, sat >= 0.55], [2.0, 1.0], 0.0),
        "payment": np.select([late_risk < 0.2, late_risk < 0.45], [2.0, 1.0], 0.0),
    }
    k = len(RATED_MEASURES)
    return canonical(
        "ratings",
        {
            "account_id": np.repeat(account_ids[a], k),
            "measure": np.tile(np.array(RATED_MEASURES), a.size),
            "value": np.column_stack([values[name] for name in RATED_MEASURES]).ravel(),
            "rated_at": np.repeat(time, k),
            "author": np.repeat(csm[a], k),
        },
        sort_by="rated_at",
    )
