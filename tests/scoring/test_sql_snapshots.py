"""Golden SQL of the reference scorecard, per dialect: a compiler change shows up as a diff.

Update after an intended change: VIGIE_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/scoring/test_sql_snapshots.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from vigie.scorecard.compile import compile_sql
from vigie.scorecard.spec import load_scorecard
from vigie.workspace import Workspace

HERE = Path(__file__).parent
D = dt.date(2024, 3, 1)


def _sql(ws: Workspace) -> str:
    """The SQL with Ibis's random in-memory table names (the as-of dates) made fixed."""
    card = load_scorecard(HERE / "fixtures" / "reference.yaml")
    return re.sub(r"ibis_\w*?memtable_[a-z0-9]+", "ibis_memtable", compile_sql(ws, card, D)) + "\n"


def test_reference_sql_matches_snapshot(ws: Workspace) -> None:
    sql = _sql(ws)
    assert _sql(ws) == sql, "compiled SQL is not deterministic"
    path = HERE / "snapshots" / f"reference.{ws.con.name}.sql"
    if os.environ.get("VIGIE_UPDATE_SNAPSHOTS") == "1":
        path.write_text(sql)
    assert path.exists(), f"no snapshot {path.name}: run with VIGIE_UPDATE_SNAPSHOTS=1 to create it"
    assert sql == path.read_text(), (
        f"compiled SQL differs from {path.name}; if the change is intended, update it with "
        "VIGIE_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/scoring/test_sql_snapshots.py -m 'spark or not spark'"
    )
