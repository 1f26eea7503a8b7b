"""The hidden model: who the accounts are and how their latent health moves.

Each account gets a segment, a region, a contract term, a hidden archetype
and a monthly latent health in [0, 1]. Every table is then derived from this
state, so the signals a scorecard reads (usage, silence, tickets, champion
departures, late invoices) are consequences of one story per account.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np

from vigie.simulate.calendar import REGIONS, Calendar

SEGMENTS = ("smb", "mid-market", "enterprise")
SMB, MID, ENT = 0, 1, 2
ARCHETYPES = (
    "steady",
    "expanding",
    "declining_churner",
    "silent_churner",
    "happy_low_usage",
    "seasonal",
    "recovered",
    "downsell",
)
STEADY, EXPANDING, DECLINING, SILENT, HAPPY_LOW, SEASONAL, RECOVERED, DOWNSELL = range(8)
CHURN_DRIVERS = ("champion_left", "budget", "strategic_shift")
"""Why a silent churner leaves; each is also a sentiment reason."""
NO_MONTH = 10_000
"""Month index meaning "never"."""

ANNUAL_CHURN = np.array([0.24, 0.13, 0.07])
"""Target yearly logo churn per segment."""
OTHER_ARCHETYPES = {  # share among accounts that do not churn
    EXPANDING: 0.12,
    HAPPY_LOW: 0.07,
    SEASONAL: 0.07,
    RECOVERED: 0.09,
    DOWNSELL: 0.06,
}
SEGMENT_SHARE = np.array([0.6, 0.3, 0.1])
SEATS_MEDIAN = np.array([10.0, 45.0, 180.0])
SEATS_RANGE = np.array([[3, 40], [15, 200], [60, 1200]])
BASE_HEALTH = np.array([0.66, 0.7, 0.72])
TERMS = ((1, 12), (12, 24, 36), (12, 24, 36))
TERM_SHARE = ((0.2, 0.8), (0.0, 0.9, 0.1), (0.0, 0.7, 0.3))
FRENCH_SHARE = np.array([0.1, 0.7, 0.05])
"""Share of French-speaking accounts per region (na: Quebec; eu: France, Belgium,
Switzerland...): about 30 % of the book."""
INDUSTRIES = (
    "software",
    "retail",
    "manufacturing",
    "financial services",
    "healthcare",
    "education",
    "logistics",
    "media",
)


def stream(seed: int, name: str, *extra: int) -> np.random.Generator:
    """An independent, reproducible random stream per table (and month)."""
    return np.random.default_rng([seed, zlib.crc32(name.encode()), *extra])


@dataclass(frozen=True)
class Population:
    """The accounts and their hidden state; arrays are indexed by account."""

    seed: int
    cal: Calendar
    segment: np.ndarray
    region: np.ndarray
    language: np.ndarray
    """0 English, 1 French: the language the account writes in."""
    industry: np.ndarray
    archetype: np.ndarray
    driver: np.ndarray
    """Index in CHURN_DRIVERS for silent churners, -1 otherwise."""
    first_month: np.ndarray
    """Month index of the first subscription (negative: before the window)."""
    day_offset: np.ndarray
    """Days after the month boundary when this account's terms start and end."""
    term: np.ndarray
    churn_month: np.ndarray
    """Month index where the last term ends without successor, NO_MONTH if none."""
    event_month: np.ndarray
    """Onset of the archetype's story: decline, exit decision, drop; NO_MONTH if none."""
    change_month: np.ndarray
    """Renewal month of a downsell account's cut, NO_MONTH otherwise."""
    seats0: np.ndarray
    usage_scale: np.ndarray
    health: np.ndarray
    """Latent health [accounts, window months]."""

    @property
    def n(self) -> int:
        return self.segment.size

    @property
    def months(self) -> int:
        return self.cal.months

    @property
    def start_date(self) -> np.ndarray:
        return self.cal.bound(self.first_month) + self.day_offset

    @property
    def churn_date(self) -> np.ndarray:
        """Day the account stops being a customer (far future if it does not churn)."""
        month = np.minimum(self.churn_month, self.months + 30)
        return self.cal.bound(month) + self.day_offset

    @property
    def alive_until(self) -> np.ndarray:
        """Last day (exclusive) with facts: churn or the end of the window."""
        return np.minimum(self.churn_date, self.cal.end64)

    @property
    def event_date(self) -> np.ndarray:
        month = np.clip(self.event_month, 0, self.months)
        return self.cal.bound(month) + self.day_offset

    def in_story(self, month: int, archetypes: tuple[int, ...]) -> np.ndarray:
        """Accounts of these archetypes whose story is under way in `month`."""
        return np.isin(self.archetype, archetypes) & (self.event_month <= month)


def _pick(rng: np.random.Generator, shares: np.ndarray) -> np.ndarray:
    """One index per row of `shares` (rows sum to 1), vectorised."""
    return (rng.random(len(shares))[:, None] > np.cumsum(shares, axis=1)).sum(axis=1)


def _renewals(first: np.ndarray, term: np.ndarray, lo: np.ndarray, hi: int) -> np.ndarray:
    """Renewal month indices in [lo, hi] per account, as a padded matrix (NO_MONTH = none)."""
    k = np.arange(1, 260)[None, :]
    months = first[:, None] + k * term[:, None]
    ok = (months >= lo[:, None]) & (months <= hi)
    return np.where(ok, months, NO_MONTH)


def _choose(rng: np.random.Generator, candidates: np.ndarray) -> np.ndarray:
    """One random valid entry per row of a padded matrix, NO_MONTH when none."""
    weights = np.where(candidates < NO_MONTH, rng.random(candidates.shape), -1.0)
    chosen = candidates[np.arange(len(candidates)), weights.argmax(axis=1)]
    return np.where(weights.max(axis=1) >= 0, chosen, NO_MONTH)


def build_population(accounts: int, months: int, seed: int, end: date) -> Population:
    """Draw the accounts, their archetypes and their latent health paths."""
    rng = stream(seed, "population")
    cal = Calendar(end, months)
    n = accounts
    segment = _pick(rng, np.tile(SEGMENT_SHARE, (n, 1)))
    region = rng.choice(len(REGIONS), n, p=[0.5, 0.35, 0.15])
    industry = rng.integers(0, len(INDUSTRIES), n)
    new_logo = rng.random(n) < 0.25
    first_month = np.where(new_logo, rng.integers(0, months, n), -rng.integers(1, 84, n))
    day_offset = rng.integers(1, 28, n)
    term_share = np.zeros((n, 3))
    term_values = np.zeros((n, 3), dtype=np.int64)
    for s in range(3):
        rows = segment == s
        term_share[rows, : len(TERM_SHARE[s])] = TERM_SHARE[s]
        term_values[rows, : len(TERMS[s])] = TERMS[s]
    term = term_values[np.arange(n), _pick(rng, term_share)]
    active_from = np.maximum(first_month, 0)

    # Churners: a renewal at least 3 months into their life in the window.
    exposure_years = (months - active_from) / 12
    p_churn = 1 - (1 - ANNUAL_CHURN[segment]) ** exposure_years
    churn_at = _choose(rng, _renewals(first_month, term, active_from + 3, months - 1))
    churner = (rng.random(n) < p_churn) & (churn_at < NO_MONTH)
    silent = churner & (rng.random(n) < 0.4)
    archetype = np.full(n, STEADY)
    archetype[churner] = DECLINING
    archetype[silent] = SILENT
    churn_month = np.where(churner, churn_at, NO_MONTH)
    lead = np.minimum(rng.integers(1, 5, n), churn_month - active_from)
    event_month = np.where(churner, churn_month - lead, NO_MONTH)
    driver = np.where(silent, rng.integers(0, len(CHURN_DRIVERS), n), -1)

    # The other stories, among accounts that stay.
    keys = np.array(list(OTHER_ARCHETYPES))
    shares = np.array(list(OTHER_ARCHETYPES.values()))
    story = _pick(rng, np.tile(np.append(shares, 1 - shares.sum()), (n, 1)))
    other = np.where(story < len(keys), keys[np.minimum(story, len(keys) - 1)], STEADY)
    archetype = np.where(churner, archetype, other)
    drop_month = active_from + 1 + (rng.random(n) * (months - 5 - active_from)).astype(np.int64)
    recovered = (archetype == RECOVERED) & (drop_month + 4 <= months)
    cut_month = _choose(rng, _renewals(first_month, term, active_from + 2, months - 1))
    downsell = (archetype == DOWNSELL) & (cut_month < NO_MONTH)
    archetype[((archetype == RECOVERED) & ~recovered) | ((archetype == DOWNSELL) & ~downsell)] = (
        STEADY
    )
    event_month = np.where(recovered, drop_month, event_month)
    event_month = np.where(downsell, cut_month - 2, event_month)
    change_month = np.where(downsell, cut_month, NO_MONTH)

    seats0 = np.clip(
        np.round(SEATS_MEDIAN[segment] * rng.lognormal(0, 0.5, n)),
        SEATS_RANGE[segment, 0],
        SEATS_RANGE[segment, 1],
    ).astype(np.int64)
    usage_scale = rng.lognormal(0, 0.2, n) * np.where(archetype == HAPPY_LOW, 0.3, 1.0)
    health = _health(rng, segment, archetype, event_month, churn_month, months)
    language = (stream(seed, "language").random(n) < FRENCH_SHARE[region]).astype(np.int64)
    return Population(
        seed=seed,
        cal=cal,
        segment=segment,
        region=region,
        language=language,
        industry=industry,
        archetype=archetype,
        driver=driver,
        first_month=first_month,
        day_offset=day_offset,
        term=term,
        churn_month=churn_month,
        event_month=event_month,
        change_month=change_month,
        seats0=seats0,
        usage_scale=usage_scale,
        health=health,
    )


def _health(
    rng: np.random.Generator,
    segment: np.ndarray,
    archetype: np.ndarray,
    event_month: np.ndarray,
    churn_month: np.ndarray,
    months: int,
) -> np.ndarray:
    """Mean-reverting random walk with shocks, bent by each archetype's story."""
    n = segment.size
    base = np.clip(rng.normal(BASE_HEALTH[segment], 0.07), 0.45, 0.9)
    base += np.where(archetype == HAPPY_LOW, 0.12, 0.0) + np.where(archetype == EXPANDING, 0.06, 0)
    walk = np.zeros((n, months))
    state = rng.normal(0, 0.04, n)
    for m in range(months):
        shock = np.where(rng.random(n) < 0.03, -rng.uniform(0.1, 0.25, n), 0.0)
        state = 0.75 * state + rng.normal(0, 0.035, n) + shock
        walk[:, m] = state
    m = np.arange(months)[None, :]
    since = m - event_month[:, None]
    story = np.zeros((n, months))
    lead = (churn_month - event_month)[:, None].clip(1, None)
    declining = (archetype == DECLINING)[:, None] & (since >= 0)
    story = np.where(declining, -0.5 * np.minimum(since + 1, lead) / lead, story)
    recovery = np.array([-0.4, -0.42, -0.2, -0.06])  # drop, intervention, recovery
    recovering = (archetype == RECOVERED)[:, None] & (since >= 0) & (since < recovery.size)
    story = np.where(recovering, recovery[np.clip(since, 0, recovery.size - 1)], story)
    cutting = (archetype == DOWNSELL)[:, None] & (since >= 0)
    story = np.where(cutting, np.where(since < 2, -0.25, -0.08), story)
    return np.clip(base[:, None] + walk + story, 0.02, 0.98)
