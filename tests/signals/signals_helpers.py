"""Hand-built signal fixtures: tiny canonical tables written straight into a DuckDB workspace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import ibis
import pandas as pd
import pyarrow as pa
import pytest

from vigie.engine.state import dates_table
from vigie.schema import TABLES
from vigie.signals.base import Context
from vigie.signals.config import load_config
from vigie.workspace import Workspace

START = dt.date(2023, 1, 1)


def load(ws: Workspace, name: str, rows: list[dict] | pd.DataFrame) -> None:
    """Append rows (missing columns NULL) to a canonical table."""
    frame = pd.DataFrame(rows)
    schema = TABLES[name].ibis_schema()
    for col in schema.names:
        if col not in frame:
            frame[col] = None
    arrow = pa.Table.from_pandas(
        frame[list(schema.names)], schema=schema.to_pyarrow(), preserve_index=False
    )
    ws.con.insert(name, ibis.memtable(arrow))


def accounts(ws: Workspace, ids: list[str], seats: int = 20, segment: str = "smb") -> None:
    """Accounts with one open-ended subscription since START (active at every test date)."""
    load(ws, "accounts", [{"account_id": a, "name": a, "segment": segment} for a in ids])
    load(
        ws,
        "subscriptions",
        [
            {
                "subscription_id": f"S-{a}",
                "account_id": a,
                "start_date": START,
                "arr": 1000.0,
                "seats": seats,
            }
            for a in ids
        ],
    )


def logs_interactions(ws: Workspace, account: str) -> None:
    """One unanswered email at START: the book logs interactions (no_touch reads only such
    books), none of them meaningful."""
    row = {"interaction_id": f"log-{account}", "account_id": account, "kind": "email"}
    load(ws, "interactions", [{**row, "occurred_at": dt.datetime(2023, 1, 2), "responded": False}])


def daily_usage(
    account: str, first: dt.date, last: dt.date, users: int, quantity: float = 5.0
) -> pd.DataFrame:
    """One login a day per user on every day of [first, last]."""
    days = pd.date_range(first, last, freq="D")
    return pd.DataFrame(
        {
            "account_id": account,
            "user_id": [f"{account}-u{i}" for i in range(users)] * len(days),
            "event": "login",
            "occurred_at": [d + pd.Timedelta(hours=10) for d in days for _ in range(users)],
            "quantity": quantity,
        }
    )


def run(ws: Workspace, family, dates: list[dt.date], config=None) -> pd.DataFrame:
    """One family's firings at `dates`, as a frame sorted by account, date and kind."""
    ctx = Context(ws, config or load_config(), dates_table(dates))
    parts = family(ctx)
    if not parts:
        return pd.DataFrame(columns=["account_id", "as_of", "kind"])
    frame = ibis.union(*parts).to_pandas()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame.sort_values(["account_id", "as_of", "kind"], ignore_index=True)


def fired(frame: pd.DataFrame, kind: str) -> set[tuple[str, dt.date]]:
    rows = frame[frame["kind"] == kind]
    return set(zip(rows["account_id"], rows["as_of"], strict=True))


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.init(tmp_path / "ws")
    yield workspace
    workspace.close()
