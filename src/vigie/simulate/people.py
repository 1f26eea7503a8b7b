"""People and conversations: contacts (champions, decision makers) and interactions.

Each account has contact *slots* (slot 0 the champion, slot 1 the decision
maker); a slot is held by successive people who leave and are replaced.
Churn stories remove the champion or make the customer go quiet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from vigie.simulate.calendar import REGION_UTC_HOUR, weekday
from vigie.simulate.model import (
    CHURN_DRIVERS,
    DECLINING,
    ENT,
    MID,
    RECOVERED,
    SILENT,
    Population,
    stream,
)
from vigie.simulate.names import (
    CHAMPION_ROLES,
    DECISION_ROLES,
    FIRST_NAMES,
    LAST_NAMES,
    OTHER_ROLES,
    email_local,
    person_names,
)
from vigie.simulate.tables import canonical, ids

SLOTS = 9
GENERATIONS = 4
SLOT_RANGE = np.array([[2, 4], [3, 6], [5, 9]])
FAR = np.datetime64("2200-01-01")
SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class People:
    contacts: pa.Table
    start: np.ndarray
    """First day of each contact [accounts, SLOTS, GENERATIONS]; FAR if the contact does not exist."""
    end: np.ndarray
    """Day each contact left [accounts, SLOTS, GENERATIONS]; FAR while present."""
    contact_id: np.ndarray
    slots: np.ndarray
    """Slots in use per account."""

    def present(self, account: np.ndarray, slot: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Generation holding `slot` on `day`, or -1 when the slot is empty then."""
        start, end = self.start[account, slot], self.end[account, slot]
        here = (start <= day[:, None]) & (end > day[:, None])
        return np.where(here.any(axis=1), here.argmax(axis=1), -1)

    def pick_contact(
        self, rng: np.random.Generator, account: np.ndarray, day: np.ndarray
    ) -> np.ndarray:
        """A contact present on `day` (the champion half of the time); None if nobody."""
        slot = np.where(rng.random(account.size) < 0.5, 0, rng.integers(0, self.slots[account]))
        gen = self.present(account, slot, day)
        found = self.contact_id[account, slot, gen.clip(0)]
        return np.where(gen >= 0, found, None)

    def champion_present(self, account: np.ndarray, day: np.ndarray) -> np.ndarray:
        return self.present(account, np.zeros_like(account), day) >= 0


def champion_departure(pop: Population) -> np.ndarray:
    """Day the champion leaves as part of a churn story (FAR when not)."""
    rng = stream(pop.seed, "champion")
    champion_left = pop.driver == CHURN_DRIVERS.index("champion_left")
    declining = (pop.archetype == DECLINING) & (rng.random(pop.n) < 0.45)
    leaves = (pop.archetype == SILENT) & champion_left | declining
    day = pop.event_date + rng.integers(0, 20, pop.n)
    return np.where(leaves, day, FAR)


def build_people(pop: Population, account_ids: np.ndarray, company: np.ndarray) -> People:
    rng = stream(pop.seed, "contacts")
    n, shape = pop.n, (pop.n, SLOTS, GENERATIONS)
    slots = rng.integers(SLOT_RANGE[pop.segment, 0], SLOT_RANGE[pop.segment, 1] + 1)
    first = pop.start_date[:, None] + rng.integers(0, 45, (n, SLOTS))
    first[:, :2] = pop.start_date[:, None] + rng.integers(0, 10, (n, 2))
    tenure = np.ceil(rng.exponential(5 * 365, shape)).astype(np.int64) + 30
    gap = rng.integers(10, 75, shape)
    offsets = np.cumsum(tenure + gap, axis=2) - gap
    start = first[:, :, None] + np.concatenate(
        [np.zeros((n, SLOTS, 1), np.int64), (offsets + gap)[:, :, :-1]], axis=2
    )
    end = first[:, :, None] + offsets

    # The champion who leaves in a churn story is not replaced before the churn.
    leaves = champion_departure(pop)
    holder = (start[:, 0, :] <= leaves[:, None]) & (end[:, 0, :] > leaves[:, None])
    end[:, 0, :] = np.where(holder, leaves[:, None], end[:, 0, :])
    start[:, 0, :] = np.where(start[:, 0, :] > leaves[:, None], FAR, start[:, 0, :])

    exists = (start < pop.alive_until[:, None, None]) & (
        np.arange(SLOTS)[None, :, None] < slots[:, None, None]
    )
    start = np.where(exists, start, FAR)
    end = np.where(exists & (end < pop.cal.end64), end, FAR)

    suffix = np.char.add(np.arange(SLOTS).astype(str)[:, None], np.arange(GENERATIONS).astype(str))
    contact_id = np.char.add(np.char.add(account_ids[:, None, None], "-C"), suffix[None])
    a, s, g = np.nonzero(exists)
    first_name = rng.integers(0, len(FIRST_NAMES), a.size)
    last_name = rng.integers(0, len(LAST_NAMES), a.size)
    domain = np.char.lower(np.char.partition(company[a], " ")[:, 0])
    email = np.char.add(np.char.add(email_local(first_name, last_name), "@"), domain)
    role = np.select(
        [s == 0, s == 1],
        [
            np.array(CHAMPION_ROLES)[rng.integers(0, len(CHAMPION_ROLES), a.size)],
            np.array(DECISION_ROLES)[rng.integers(0, len(DECISION_ROLES), a.size)],
        ],
        np.array(OTHER_ROLES)[rng.integers(0, len(OTHER_ROLES), a.size)],
    )
    ended = end[a, s, g]
    contacts = canonical(
        "contacts",
        {
            "contact_id": contact_id[a, s, g],
            "account_id": account_ids[a],
            "name": person_names(first_name, last_name),
            "email": np.char.add(email, ".example"),
            "role": role,
            "is_champion": (s == 0) & ((g == 0) | (rng.random(a.size) < 0.7)),
            "is_decision_maker": s == 1,
            "started_at": start[a, s, g],
            "ended_at": np.where(ended < FAR, ended, np.datetime64("NaT")),
        },
    )
    return People(contacts=contacts, start=start, end=end, contact_id=contact_id, slots=slots)


# kind, direction, monthly rate per segment (smb, mid, ent), health-driven, silenced
INTERACTION_RATES = (
    ("email", "outbound", (1.0, 2.0, 3.5), False, False),
    ("email", "inbound", (0.3, 0.8, 1.5), True, True),
    ("call", "outbound", (0.15, 0.4, 0.8), False, False),
    ("meeting", "outbound", (0.1, 0.35, 0.7), True, True),
    ("event", "inbound", (0.05, 0.1, 0.15), True, True),
)


@dataclass(frozen=True)
class Interactions:
    table: pa.Table
    account: np.ndarray
    time: np.ndarray
    """datetime64[s] of each row, in table order."""
    kind: np.ndarray


def quiet(pop: Population) -> np.ndarray:
    """[accounts, months]: the customer goes silent (declining, or deciding to leave)."""
    m = np.arange(pop.months)[None, :]
    story = (m >= pop.event_month[:, None]) & (m < pop.churn_month[:, None])
    silent_exit = (pop.archetype == SILENT) & (pop.driver != CHURN_DRIVERS.index("champion_left"))
    return story & ((pop.archetype == DECLINING) | silent_exit)[:, None]


def build_interactions(pop: Population, people: People, account_ids: np.ndarray) -> Interactions:
    rng = stream(pop.seed, "interactions")
    n, months = pop.n, pop.months
    health = pop.health
    silence = quiet(pop)
    accounts, kinds, directions, days, responded = [], [], [], [], []

    def add(mask_counts: np.ndarray, kind: str, direction: str, p_respond: np.ndarray) -> None:
        a, m = np.nonzero(mask_counts)
        repeat = mask_counts[a, m]
        a, m = np.repeat(a, repeat), np.repeat(m, repeat)
        length = (pop.cal.bound(m + 1) - pop.cal.bound(m)).astype(np.int64)
        day = pop.cal.bound(m) + (rng.random(a.size) * length).astype(np.int64)
        accounts.append(a)
        kinds.append(np.full(a.size, kind))
        directions.append(np.full(a.size, direction))
        days.append(day)
        responded.append(rng.random(a.size) < p_respond[a, m])

    reply = np.where(silence, 0.45, 1.0) * (0.3 + 0.65 * health)
    held = np.full((n, months), 0.92)
    for kind, direction, rates, by_health, silenced in INTERACTION_RATES:
        lam = np.array(rates)[pop.segment][:, None] * np.ones((1, months))
        if by_health:
            lam = lam * (0.3 + health)
        if silenced:
            lam = np.where(silence, lam * 0.35, lam)
        p = reply if direction == "outbound" and kind in ("email", "call") else held
        p = np.ones((n, months)) if direction == "inbound" else p
        add(rng.poisson(lam), kind, direction, p)

    # QBRs: quarterly for mid-market and enterprise, twice a year for a few SMBs.
    phase = rng.integers(0, 6, n)[:, None]
    m = np.arange(months)[None, :]
    high_touch = np.isin(pop.segment, (MID, ENT))[:, None]
    due = np.where(
        high_touch, (m + phase) % 3 == 0, ((m + phase) % 6 == 0) & (rng.random((n, 1)) < 0.3)
    )
    p_qbr = np.where(silence, 0.35, 0.9)
    add((due & (rng.random((n, months)) < p_qbr)).astype(np.int64), "qbr", "outbound", held)

    # The intervention that saves a "recovered" account: a QBR and a meeting right after the drop.
    rescue = ((pop.archetype == RECOVERED)[:, None] & (m == pop.event_month[:, None] + 1)).astype(
        np.int64
    )
    add(rescue, "qbr", "outbound", np.ones((n, months)))
    add(rescue, "meeting", "outbound", np.ones((n, months)))

    a = np.concatenate(accounts)
    day = np.concatenate(days)
    day = day + np.select([weekday(day) == 5, weekday(day) == 6], [-1, 1], 0)  # no weekend meetings
    seconds = (REGION_UTC_HOUR[pop.region[a]] + rng.uniform(0, 9, a.size)) * 3600
    time = day.astype("datetime64[s]") + seconds.astype(np.int64)
    keep = (day >= pop.start_date[a]) & (day < pop.alive_until[a]) & (time < pop.cal.end64)
    order = np.argsort(np.where(keep, time, np.datetime64("2200-01-01")), kind="stable")[
        : keep.sum()
    ]
    a, time = a[order], time[order]
    kind = np.concatenate(kinds)[order]
    contact = people.pick_contact(rng, a, time.astype("datetime64[D]"))
    table = canonical(
        "interactions",
        {
            "interaction_id": ids("INT-", np.arange(1, a.size + 1), 8),
            "account_id": account_ids[a],
            "kind": kind,
            "occurred_at": time,
            "direction": np.concatenate(directions)[order],
            "responded": np.concatenate(responded)[order],
            "contact_id": pa.array(contact, type=pa.string()),
        },
    )
    return Interactions(table=table, account=a, time=time, kind=kind)
