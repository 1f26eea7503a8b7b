"""The `accounts` table: names, CSM books, parent groups and today's contract view."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from vigie.simulate.calendar import REGIONS
from vigie.simulate.commercial import PLANS, Commercial
from vigie.simulate.model import (
    ARCHETYPES,
    CHURN_DRIVERS,
    ENT,
    INDUSTRIES,
    NO_MONTH,
    SEGMENTS,
    Population,
    stream,
)
from vigie.simulate.names import csm_names
from vigie.simulate.tables import canonical, ids
from vigie.simulate.wording import LANGUAGES

BOOK_SIZE = np.array([80, 35, 12])
"""Accounts per CSM in each segment: high-touch enterprise books are small."""


def account_ids(n: int) -> np.ndarray:
    return ids("ACC-", np.arange(1, n + 1), 5)


def assign_csms(pop: Population) -> np.ndarray:
    """Segment-aligned books: each CSM owns accounts of one segment only."""
    rng = stream(pop.seed, "csm")
    counts = np.maximum(1, np.ceil(np.bincount(pop.segment, minlength=3) / BOOK_SIZE))
    counts = counts.astype(np.int64)
    first_of_segment = np.concatenate([[0], np.cumsum(counts)[:-1]])
    names = csm_names(int(counts.sum()))
    book = first_of_segment[pop.segment] + rng.integers(0, counts[pop.segment])
    return names[book]


def build_accounts(
    pop: Population, ids_: np.ndarray, name: np.ndarray, csm: np.ndarray, commercial: Commercial
) -> pa.Table:
    rng = stream(pop.seed, "accounts")
    n = pop.n
    parent = _parents(rng, pop)
    churned = pop.churn_month < NO_MONTH
    plan = np.where(churned, None, np.array(PLANS, dtype=object)[commercial.plan])
    return canonical(
        "accounts",
        {
            "account_id": ids_,
            "name": name,
            "segment": np.array(SEGMENTS)[pop.segment],
            "industry": np.array(INDUSTRIES)[pop.industry],
            "plan": pa.array(plan, type=pa.string()),
            "csm": csm,
            "arr": commercial.current_arr,
            "currency": np.full(n, "USD"),
            "customer_since": pop.start_date,
            "renewal_date": commercial.renewal_date,
            "seats": commercial.current_seats,
            "parent_account_id": pa.array(np.where(parent >= 0, ids_[parent], None)),
            "attributes": _attributes(pop),
        },
    )


def _parents(rng: np.random.Generator, pop: Population) -> np.ndarray:
    """A few enterprise groups own some smaller accounts (subsidiaries); -1 = no parent."""
    enterprises = np.flatnonzero(pop.segment == ENT)
    groups = enterprises[rng.random(enterprises.size) < 0.2]
    parent = np.full(pop.n, -1)
    if groups.size == 0:
        return parent
    child = (pop.segment != ENT) & (rng.random(pop.n) < 0.04)
    parent[child] = groups[rng.integers(0, groups.size, child.sum())]
    return parent


def _attributes(pop: Population) -> np.ndarray:
    """Hidden ground truth as JSON, for tests and docs only: scoring must never read it."""
    last_month = np.clip(np.minimum(pop.churn_month, pop.months) - 1, 0, pop.months - 1)
    health_end = pop.health[np.arange(pop.n), last_month]
    driver = np.where(
        pop.driver >= 0,
        np.char.add(np.char.add('"', np.array(CHURN_DRIVERS)[pop.driver.clip(0)]), '"'),
        "null",
    )
    parts = [
        '{"simulated": true, "archetype": "',
        np.array(ARCHETYPES)[pop.archetype],
        '", "churn_driver": ',
        driver,
        ', "latent_health_end": ',
        np.char.mod("%.2f", health_end),
        ', "region": "',
        np.array(REGIONS)[pop.region],
        '", "language": "',
        np.array(LANGUAGES)[pop.language],
        '"}',
    ]
    result = np.array(parts[0])
    for part in parts[1:]:
        result = np.char.add(result, part)
    return result
