"""Word lists for readable fake names of companies, people and CSMs."""

from __future__ import annotations

import numpy as np

COMPANY_PREFIXES = (
    "Acme", "Northwind", "Bluefin", "Cobalt", "Evergreen", "Granite", "Harbor", "Ironwood",
    "Juniper", "Keystone", "Lumen", "Meridian", "Nimbus", "Orchid", "Pinnacle", "Quarry",
    "Redwood", "Summit", "Tidewater", "Umbra", "Vantage", "Willow", "Zephyr", "Atlas",
    "Beacon", "Cedar", "Delta", "Ember", "Falcon", "Glacier", "Horizon", "Indigo",
)  # fmt: skip
COMPANY_NOUNS = (
    "Analytics", "Logistics", "Health", "Foods", "Robotics", "Media", "Energy", "Capital",
    "Retail", "Labs", "Learning", "Freight", "Dynamics", "Networks", "Partners", "Works",
)  # fmt: skip
COMPANY_SUFFIXES = ("Inc", "Ltd", "GmbH", "SA", "LLC", "Group", "Co", "BV")
FIRST_NAMES = (
    "Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Grace", "Hugo", "Inès", "Jonas",
    "Karin", "Liam", "Maya", "Nils", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tara",
    "Ugo", "Vera", "Wen", "Xavier", "Yara", "Zoe", "Amir", "Beatriz", "Chen", "Dana",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Schmidt", "Rossi", "Garcia", "Dubois", "Nakamura", "Okafor", "Novak",
    "Larsen", "Silva", "Cohen", "Kowalski", "Murphy", "Andersen", "Moreau", "Tanaka",
    "Fischer", "Lopez", "Haddad", "Ivanova", "Brown", "Petit", "Weber", "Costa",
)  # fmt: skip
CHAMPION_ROLES = ("Operations Manager", "Head of Analytics", "RevOps Lead", "Product Owner")
DECISION_ROLES = ("CFO", "VP Operations", "COO", "CTO", "Head of Procurement")
OTHER_ROLES = ("Analyst", "Administrator", "Team Lead", "Engineer", "Coordinator", "Consultant")


def company_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct company names while the combinations last, numbered after that."""
    sizes = (len(COMPANY_PREFIXES), len(COMPANY_NOUNS), len(COMPANY_SUFFIXES))
    total = int(np.prod(sizes))
    pick = rng.permutation(max(n, total))[:n]
    combo, round_ = pick % total, pick // total
    p, rest = np.divmod(combo, sizes[1] * sizes[2])
    noun, suffix = np.divmod(rest, sizes[2])
    name = np.char.add(np.array(COMPANY_PREFIXES)[p], " ")
    name = np.char.add(name, np.array(COMPANY_NOUNS)[noun])
    name = np.char.add(np.char.add(name, " "), np.array(COMPANY_SUFFIXES)[suffix])
    numbered = np.char.add(np.char.add(name, " "), (round_ + 1).astype(str))
    return np.where(round_ > 0, numbered, name)


def person_names(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    return np.char.add(np.char.add(np.array(FIRST_NAMES)[first], " "), np.array(LAST_NAMES)[last])


def email_local(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """first.last, lower case and without accents (safe in every mail system)."""
    local = np.char.add(np.char.add(np.array(FIRST_NAMES)[first], "."), np.array(LAST_NAMES)[last])
    local = np.char.lower(local)
    for accented, plain in (("é", "e"), ("è", "e")):
        local = np.char.replace(local, accented, plain)
    return local


def csm_names(count: int) -> np.ndarray:
    """Distinct CSM names (the 30 x 24 combinations, walked with a stride)."""
    i = np.arange(count)
    first = i % len(FIRST_NAMES)
    last = (i * 7 + i // len(FIRST_NAMES)) % len(LAST_NAMES)
    return person_names(first, last)
