"""Point in time: facts dated on or after D never change a score as of D, in any table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from scoring_data import fixture_frames, load_tables

from vigie.engine.scoring import score
from vigie.schema import TABLES, ColumnType
from vigie.scorecard.spec import load_scorecard
from vigie.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
D = dt.date(2024, 3, 1)


def _later_copy(name: str, frame: pd.DataFrame, when: dt.date) -> pd.DataFrame:
    """Every row again, with every date/time column moved to `when` and ids made unique."""
    copy = frame.copy()
    table = TABLES[name]
    for col in table.columns:
        if col.name not in copy:
            continue
        if col.type in (ColumnType.DATE, ColumnType.TIMESTAMP):
            copy[col.name] = str(when)
        elif col.name in table.primary_key and col.type is ColumnType.STRING:
            copy[col.name] = copy[col.name] + f"-{when}"
    return copy


def test_facts_on_or_after_d_change_nothing(duck: Workspace) -> None:
    cards = [load_scorecard(FIXTURES / f) for f in ("reference.yaml", "kinds.yaml")]
    before = [score(duck, c, [D], persist=False) for c in cards]
    frames = fixture_frames()
    later = {
        name: pd.concat(
            [frame, _later_copy(name, frame, D + dt.timedelta(days=9))]
            # a subscription starting ON D is in force at D (its start is a contract date)
            + ([] if name == "subscriptions" else [_later_copy(name, frame, D)])
        )
        for name, frame in frames.items()
        if TABLES[name].time_column
    }
    # also close what was open, on D: still open as of D
    later["tickets"].loc[later["tickets"].closed_at.isna(), "closed_at"] = str(D)
    later["contacts"].loc[later["contacts"].ended_at.isna(), "ended_at"] = str(D)
    later["invoices"].loc[later["invoices"].paid_at.isna(), "paid_at"] = str(D)
    assert set(later) >= {
        "usage_events",
        "tickets",
        "surveys",
        "contacts",
        "interactions",
        "invoices",
        "ratings",
        "subscriptions",
    }
    load_tables(duck, later)
    after = [score(duck, c, [D], persist=False) for c in cards]
    for b, a in zip(before, after, strict=True):
        for got, want in ((a.snapshots, b.snapshots), (a.measures, b.measures)):
            keys = [c for c in ("account_id", "measure") if c in got]
            pd.testing.assert_frame_equal(
                got.sort_values(keys, ignore_index=True), want.sort_values(keys, ignore_index=True)
            )
