"""The same scorecard on PostgreSQL gives the same scores as on DuckDB (one Ibis expression)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from ibis.backends import BaseBackend
from scoring_data import FIXTURES, fixture_frames, load_tables

from vigie.engine.scoring import score
from vigie.scorecard import load_scorecard
from vigie.workspace import Workspace

pytestmark = pytest.mark.postgres
DATES = [dt.date(2024, 2, 16), dt.date(2024, 3, 1)]
COLUMNS = ["account_id", "as_of", "score", "band", "coverage"]


@pytest.mark.parametrize("card", ["reference.yaml", "kinds.yaml"])
def test_postgres_scores_equal_duckdb(
    postgres_con: BaseBackend, duck: Workspace, card: str, tmp_path: Path
) -> None:
    scorecard = load_scorecard(FIXTURES / card)
    pg = Workspace.from_connection(tmp_path / "ws", postgres_con)
    load_tables(pg, fixture_frames())
    on_pg = score(pg, scorecard, DATES, persist=False)
    on_duck = score(duck, scorecard, DATES, persist=False)
    for frame in ("snapshots", "measures"):
        keys = ["account_id", "as_of"] + (["measure"] if frame == "measures" else [])
        a = getattr(on_pg, frame).sort_values(keys).reset_index(drop=True)
        b = getattr(on_duck, frame).sort_values(keys).reset_index(drop=True)
        columns = COLUMNS if frame == "snapshots" else [*keys, "raw_value", "points", "weight"]
        pd.testing.assert_frame_equal(a[columns], b[columns])


def test_postgres_stores_scores_idempotently_in_one_transaction(
    postgres_con: BaseBackend, duck: Workspace, tmp_path: Path
) -> None:
    """Re-scoring a date replaces its rows (DELETE + COPY), the other dates stay; the stored
    rows equal DuckDB's, NULLs and empty texts included."""
    scorecard = load_scorecard(FIXTURES / "kinds.yaml")
    pg = Workspace.from_connection(tmp_path / "ws", postgres_con)
    load_tables(pg, fixture_frames())
    for workspace in (pg, duck):
        score(workspace, scorecard, DATES)
        score(workspace, scorecard, DATES[-1:])
    for table in ("health_snapshots", "health_measures"):
        keys = ["account_id", "as_of"] + (["measure"] if table == "health_measures" else [])
        a, b = (w.con.table(table).to_pandas().sort_values(keys) for w in (pg, duck))
        assert len(a) == len(b) > 0
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False
        )
