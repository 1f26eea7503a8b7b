"""When customers say they might leave: churn-intent phrases in the simulated texts.

A share of churners (not all: many leave without saying so) voice an intent
in the one to four months before their churn; what they say follows their
story (a budget-cut silent churner talks about budget and price, a strategy
shift about migration). Downsell accounts talk budget and price before their
cut without churning, and any text carries a random intent with a small
probability: the false positives a detector must live with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vigie.simulate.model import CHURN_DRIVERS, DECLINING, DOWNSELL, SILENT, Population, stream

INTENT_KINDS = ("cancel", "competitor", "budget", "price", "migration", "evaluating")
STORIES = ("declining", *(f"silent_{d}" for d in CHURN_DRIVERS), "downsell")
KIND_WEIGHTS = np.array(
    [  # cancel, competitor, budget, price, migration, evaluating
        [0.2, 0.3, 0.0, 0.2, 0.1, 0.2],  # declining churner
        [0.3, 0.3, 0.0, 0.0, 0.0, 0.4],  # silent: champion left
        [0.3, 0.0, 0.5, 0.2, 0.0, 0.0],  # silent: budget
        [0.1, 0.0, 0.0, 0.0, 0.6, 0.3],  # silent: strategic shift
        [0.0, 0.0, 0.6, 0.4, 0.0, 0.0],  # downsell
    ]
)
VOICED = np.array([0.6, 0.4, 0.6, 0.6, 0.4])
"""Share of the accounts of each story that voice an intent at all."""
NOISE = 0.002
"""Probability that any text carries a random intent (false positives)."""


@dataclass(frozen=True)
class Intents:
    """Per account: the intent kind voiced (-1 none) and the window [since, until) it is voiced in."""

    kind: np.ndarray
    since: np.ndarray
    until: np.ndarray

    def draw(
        self, rng: np.random.Generator, account: np.ndarray, time: np.ndarray, p: np.ndarray | float
    ) -> np.ndarray:
        """Intent kind carried by each text (-1 none): the account's, with probability `p`
        inside its window, else a random one with probability NOISE."""
        day = time.astype("datetime64[D]")
        inside = (self.kind[account] >= 0) & (day >= self.since[account])
        inside &= day < self.until[account]
        said = inside & (rng.random(account.size) < p)
        noise = rng.random(account.size) < NOISE
        random_kind = rng.integers(0, len(INTENT_KINDS), account.size)
        return np.select([said, noise], [self.kind[account], random_kind], -1)


def schedule_intents(pop: Population) -> Intents:
    rng = stream(pop.seed, "intents")
    n = pop.n
    story = np.select(
        [pop.archetype == DECLINING, pop.archetype == SILENT, pop.archetype == DOWNSELL],
        [0, 1 + pop.driver, len(STORIES) - 1],
        -1,
    )
    voiced = (story >= 0) & (rng.random(n) < VOICED[story.clip(0)])
    cumulative = np.cumsum(KIND_WEIGHTS[story.clip(0)], axis=1)
    kind = (rng.random(n)[:, None] > cumulative).sum(axis=1)
    downsell = story == len(STORIES) - 1
    cut = pop.cal.bound(np.minimum(pop.change_month, pop.months)) + pop.day_offset
    until = np.where(downsell, cut, pop.churn_date)
    since = until - np.where(downsell, rng.integers(30, 75, n), rng.integers(45, 125, n))
    return Intents(kind=np.where(voiced, kind, -1), since=since, until=until)
