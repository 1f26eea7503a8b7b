"""The renewal at D from overlapping subscriptions: the last end date of those covering D,
none when one of them is open-ended."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from vigie.engine.state import account_state, dates_table
from vigie.io import import_files
from vigie.workspace import Workspace

D = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def test_days_to_renewal_with_an_add_on(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name\nR1,Fixed term\nR2,Evergreen\nR3,Add-on only\n")
    subs = tmp_path / "subscriptions.csv"
    subs.write_text(
        "subscription_id,account_id,start_date,end_date,arr\n"
        "m1,R1,2025-12-18,2026-12-18,1000\n"
        "a1,R1,2025-06-21,2026-06-21,100\n"
        "m2,R2,2025-12-18,,1000\n"
        "a2,R2,2025-06-21,2026-06-21,100\n"
        "a3,R3,2025-06-21,2026-06-21,100\n"
        "old,R3,2024-01-01,2025-01-01,100\n"  # ended before D: not running, not open-ended
    )
    with Workspace.init(tmp_path / "ws") as ws:
        import_files(ws, "accounts", [accounts], now=NOW)
        import_files(ws, "subscriptions", [subs], now=NOW)
        state = account_state(ws, dates_table([D])).to_pandas().set_index("account_id")
    days = state["days_to_renewal"].astype(object).where(state["days_to_renewal"].notna(), None)
    assert days.to_dict() == {"R1": 200, "R2": None, "R3": 20}
    assert state["arr"].to_dict() == {"R1": 1100.0, "R2": 1100.0, "R3": 100.0}
