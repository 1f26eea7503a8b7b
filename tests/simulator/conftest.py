"""One small simulated portfolio shared by the simulator tests (built once per worker)."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest

from vigie.simulate import Portfolio, simulate

END = date(2026, 1, 1)


@pytest.fixture(scope="session")
def portfolio() -> Portfolio:
    return simulate(accounts=200, months=18, seed=7, end=END)


@pytest.fixture(scope="session")
def usage(portfolio: Portfolio) -> pa.Table:
    return portfolio.table("usage_events")


@pytest.fixture(scope="session")
def big_book() -> Portfolio:
    """Enough accounts for stable churn rates; only its small tables are used (usage is lazy)."""
    return simulate(accounts=3000, months=24, seed=11, end=END)


def truth(portfolio: Portfolio) -> dict[str, dict]:
    """The hidden attributes (archetype, churn driver, ...) of each account."""
    accounts = portfolio.tables["accounts"].to_pylist()
    return {row["account_id"]: json.loads(row["attributes"]) for row in accounts}
