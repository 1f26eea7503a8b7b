"""Signals and the latest sentiment on PostgreSQL equal DuckDB's (thresholds are doubles there
too; a rating without reasons does not break the latest-rating query)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pandas as pd
import pytest
from ibis.backends import BaseBackend
from signals_helpers import load
from test_compute import AS_OF, _book

from vigie.sentiment import latest_sentiment
from vigie.signals.compute import compute_signals
from vigie.workspace import Workspace

pytestmark = pytest.mark.postgres


def _sentiments(ws: Workspace) -> None:
    load(
        ws,
        "sentiments",
        [
            {
                "account_id": "RENEWS",
                "author": "ann",
                "rated_at": dt.datetime(2025, 5, 1),
                "rating": "green",
            },
            {
                "account_id": "RENEWS",
                "author": "bob",
                "rated_at": dt.datetime(2025, 5, 20),
                "rating": "red",
                "reasons": ["champion_left"],
            },
            {
                "account_id": "OK",
                "author": "ann",
                "rated_at": dt.datetime(2025, 5, 2),
                "rating": "green",
            },
        ],
    )


def test_signals_and_latest_sentiment_on_postgres_equal_duckdb(
    postgres_con: BaseBackend, ws: Workspace, tmp_path: Path
) -> None:
    pg = Workspace.from_connection(tmp_path / "pg", postgres_con)
    for workspace in (pg, ws):
        _book(workspace)
        _sentiments(workspace)
    dates = [dt.date(2025, 3, 1), AS_OF]
    on_pg = compute_signals(pg, dates)
    on_duck = compute_signals(ws, dates)
    assert "renewal_at_risk" in set(on_duck["kind"])
    pd.testing.assert_frame_equal(on_pg, on_duck, check_dtype=False)
    grid = ibis.memtable({"account_id": ["RENEWS", "OK"], "as_of": [AS_OF, AS_OF]})
    latest = {
        name: latest_sentiment(w, grid)
        .to_pandas()
        .sort_values("account_id")[["account_id", "rating", "author"]]
        .reset_index(drop=True)
        for name, w in (("pg", pg), ("duck", ws))
    }
    assert latest["pg"].values.tolist() == [["OK", "green", "ann"], ["RENEWS", "red", "bob"]]
    pd.testing.assert_frame_equal(latest["pg"], latest["duck"])
