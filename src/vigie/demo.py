"""The demo: a simulated book imported through the real import path and summarised.

`vigie demo` is the first thing a new user runs, so it exercises the same code a
team's own data goes through: simulate -> files -> validated import -> queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ibis
import pandas as pd

from vigie.engine.state import account_state, dates_table
from vigie.errors import WorkspaceError
from vigie.io.importer import ImportMode, import_files
from vigie.schema import TABLES
from vigie.simulate.calendar import add_months
from vigie.simulate.portfolio import simulate
from vigie.simulate.writer import write
from vigie.web.users import UserStore
from vigie.workspace import CONFIG_FILE, Workspace

DATA_FOLDER = "data"


@dataclass(frozen=True)
class PortfolioSummary:
    """What the book looks like at one date, from dated facts only."""

    as_of: dt.date
    row_counts: dict[str, int]
    segments: pd.DataFrame
    """Per segment: active accounts, ARR, churned accounts (had a contract, none active now)."""


@dataclass(frozen=True)
class Demo:
    workspace: Workspace
    start: dt.date
    """First day of simulated activity."""
    end: dt.date
    """Every fact is dated before this day: the demo's "today"."""


def build_demo(
    directory: Path | str,
    accounts: int = 500,
    months: int = 24,
    seed: int = 42,
    end: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Demo:
    """Create a demo workspace in `directory` (new, or without a workspace); it is left open.

    A folder that already holds a workspace is refused before anything is written: the demo
    replaces every table and data file, which would overwrite a real book's."""
    if (Path(directory) / CONFIG_FILE).exists():
        raise WorkspaceError(
            f"{directory} already holds a Vigie workspace: the demo builds a new one. Pass "
            "another folder, or delete this one to rebuild the demo."
        )
    workspace = Workspace.init(directory)
    progress(f"Simulating {accounts} accounts over {months} months (seed {seed})")
    portfolio = simulate(accounts=accounts, months=months, seed=seed, end=end)
    data = workspace.root / DATA_FOLDER
    write(portfolio, data, "parquet")
    for table in TABLES:  # accounts come first: other tables reference them
        progress(f"Importing {table}")
        import_files(workspace, table, [data / f"{table}.parquet"], mode=ImportMode.REPLACE)
    return Demo(workspace, add_months(portfolio.end, -months), portfolio.end)


def portfolio_summary(workspace: Workspace, as_of: dt.date) -> PortfolioSummary:
    counts = {name: int(workspace.table(name).count().execute()) for name in TABLES}
    state = account_state(workspace, dates_table([as_of]))
    subs = workspace.table("subscriptions")
    ever = subs.filter(subs.start_date < as_of).select("account_id").distinct()
    ever = ever.mutate(had_contract=ibis.literal(True))
    state = state.left_join(ever, "account_id").drop("account_id_right")
    churned = state.had_contract.fill_null(False) & ~state.active
    segments = (
        state.mutate(segment=state.segment.fill_null("(none)"))
        .group_by("segment")
        .agg(
            active_accounts=state.active.sum(),
            arr=state.arr.sum(where=state.active),
            churned_accounts=churned.sum(),
        )
        .order_by(ibis.desc("arr"))
        .to_pandas()
    )
    return PortfolioSummary(as_of=as_of, row_counts=counts, segments=segments)


def weekly_dates(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every 7 days from `first`, ending exactly on `last`."""
    count = (last - first).days // 7
    return [last - dt.timedelta(days=7 * i) for i in range(count, -1, -1)]


@dataclass(frozen=True)
class HealthSummary:
    """The latest scores of the book, as a head of CS reads them."""

    as_of: dt.date
    dates_scored: int
    bands: pd.DataFrame
    """Per band: accounts and ARR at the date."""
    top_red: pd.DataFrame
    """The accounts with most ARR in the lowest band."""


def health_summary(
    workspace: Workspace, snapshots: pd.DataFrame, lowest_band: str, top: int = 10
) -> HealthSummary:
    as_of = max(snapshots["as_of"])
    latest = snapshots[snapshots["as_of"] == as_of]
    state = account_state(workspace, dates_table([as_of]))
    info = state.select("account_id", "name", "segment", "csm", "arr").to_pandas()
    latest = latest.merge(info, on="account_id", how="left")
    bands = (
        latest.groupby("band", sort=False)
        .agg(accounts=("account_id", "size"), arr=("arr", "sum"))
        .reset_index()
    )
    red = latest[latest["band"] == lowest_band].sort_values("arr", ascending=False).head(top)
    columns = ["account_id", "name", "segment", "csm", "arr", "score", "coverage"]
    return HealthSummary(
        as_of=as_of,
        dates_scored=snapshots["as_of"].nunique(),
        bands=bands,
        top_red=red[columns].reset_index(drop=True),
    )


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    csm: str | None
    language: str


def demo_logins(workspace: Workspace, as_of: dt.date) -> list[DemoLogin]:
    """One login per role; the CSM owns the book with most ARR. Passwords are for the demo only."""
    state = account_state(workspace, dates_table([as_of]))
    books = state.group_by("csm").agg(arr=state.arr.sum()).order_by(ibis.desc("arr"))
    top_csm = books.limit(1).to_pandas()["csm"].iloc[0]
    return [
        DemoLogin("admin", "vigie-admin", "admin", None, "en"),
        DemoLogin("csm", "vigie-csm", "csm", top_csm, "en"),
        DemoLogin("lecteur", "vigie-viewer", "viewer", None, "fr"),
    ]


def create_demo_users(workspace: Workspace, as_of: dt.date) -> list[DemoLogin]:
    """The demo logins, (re)created so their passwords are the printed ones."""
    store = UserStore(workspace.root)
    logins = demo_logins(workspace, as_of)
    for login in logins:
        if store.get(login.username) is not None:
            store.remove(login.username)
        store.add(login.username, login.password, login.role, login.csm, login.language)
    return logins
