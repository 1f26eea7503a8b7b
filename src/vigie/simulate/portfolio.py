"""`simulate()`: one seeded call that derives every canonical table from the hidden model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pyarrow as pa

from vigie.errors import SimulationError
from vigie.schema import TABLES
from vigie.simulate.accounts import account_ids, assign_csms, build_accounts
from vigie.simulate.activity import usage_chunks
from vigie.simulate.commercial import build_commercial
from vigie.simulate.model import Population, build_population, stream
from vigie.simulate.names import company_names
from vigie.simulate.people import build_interactions, build_people
from vigie.simulate.support import build_tickets
from vigie.simulate.tables import arrow_schema
from vigie.simulate.texts import add_texts
from vigie.simulate.voice import build_ratings, build_sentiments, build_surveys

MAX_MONTHS = 60


@dataclass(frozen=True)
class Portfolio:
    """Every canonical table of a simulated book; usage is produced month by month."""

    accounts_count: int
    months: int
    seed: int
    end: date
    tables: dict[str, pa.Table]
    """Every canonical table except usage_events (held as a generator)."""
    population: Population
    text_truth: dict[str, pa.Table]
    """Hidden labels of the generated texts, row-aligned with interactions, tickets, surveys
    and sentiments: language, tone level (-2..2) and churn-intent kind. For tests only."""
    _usage: Callable[[], Iterator[pa.Table]]

    def usage_chunks(self) -> Iterator[pa.Table]:
        """usage_events one window month at a time, oldest first."""
        return self._usage()

    def table(self, name: str) -> pa.Table:
        """Any canonical table; usage_events is concatenated (mind its size)."""
        if name == "usage_events":
            return pa.concat_tables(self.usage_chunks())
        return self.tables[name]


def default_end() -> date:
    """The first day of the current UTC month."""
    return datetime.now(UTC).date().replace(day=1)


def simulate(
    accounts: int = 500, months: int = 24, seed: int = 42, end: date | None = None
) -> Portfolio:
    """A realistic B2B book covering [end - months, end), reproducible for (seed, end)."""
    end = default_end() if end is None else end
    if accounts < 1:
        raise SimulationError(f"--accounts must be at least 1 (got {accounts}).")
    if not 3 <= months <= MAX_MONTHS:
        raise SimulationError(f"--months must be between 3 and {MAX_MONTHS} (got {months}).")
    if seed < 0:
        raise SimulationError(f"--seed must be zero or positive (got {seed}).")
    pop = build_population(accounts, months, seed, end)
    ids = account_ids(accounts)
    company = company_names(stream(seed, "names"), accounts)
    csm = assign_csms(pop)
    commercial = build_commercial(pop, ids)
    people = build_people(pop, ids, company)
    talks = build_interactions(pop, people, ids)
    tables = {
        "accounts": build_accounts(pop, ids, company, csm, commercial),
        "subscriptions": commercial.subscriptions,
        "outcomes": commercial.outcomes,
        "tickets": build_tickets(pop, ids, commercial.seats_by_month),
        "surveys": build_surveys(pop, people, ids),
        "contacts": people.contacts,
        "interactions": talks.table,
        "invoices": commercial.invoices,
        "sentiments": build_sentiments(pop, people, talks, csm, ids),
        "ratings": build_ratings(pop, people, csm, ids),
        "actions": arrow_schema("actions").empty_table(),
    }
    assert set(tables) | {"usage_events"} == set(TABLES), "a canonical table is missing"
    text_truth = add_texts(pop, tables)
    return Portfolio(
        accounts_count=accounts,
        months=months,
        seed=seed,
        end=end,
        tables=tables,
        population=pop,
        text_truth=text_truth,
        _usage=lambda: usage_chunks(pop, commercial, ids),
    )
