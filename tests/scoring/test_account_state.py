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


def test_who_is_a_customer_at_d_reads_only_what_holds_at_d(tmp_path: Path) -> None:
    """A holding parent is active while a child is; an account without a contract in the data
    is a customer from customer_since; a prospect or an unconverted trial is not. Booking a
    subscription after D changes none of it at D."""
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "account_id,name,customer_since,parent_account_id\n"
        "HOLD,Holding,,\nKID,Child,,HOLD\nOLD,Long-time customer,2020-01-01,\n"
        "LEAD,Prospect,,\nLATE,Signs later,2026-09-01,\n"
    )
    subs = tmp_path / "subscriptions.csv"
    subs.write_text(
        "subscription_id,account_id,start_date,end_date,arr\nk1,KID,2026-01-01,2027-01-01,1000\n"
    )
    with Workspace.init(tmp_path / "ws") as ws:
        import_files(ws, "accounts", [accounts], now=NOW)
        import_files(ws, "subscriptions", [subs], now=NOW)

        def active() -> dict[str, bool]:
            dates = dates_table([D, dt.date(2027, 2, 1)])
            state = account_state(ws, dates).to_pandas()
            return {(r.account_id, str(r.as_of)[:10]): bool(r.active) for r in state.itertuples()}

        before = active()
        assert {k for k, v in before.items() if v} == {
            ("HOLD", "2026-06-01"), ("KID", "2026-06-01"), ("OLD", "2026-06-01"),
            ("OLD", "2027-02-01"), ("LATE", "2027-02-01"),
        }  # fmt: skip
        booked = tmp_path / "booked.csv"
        booked.write_text(
            "subscription_id,account_id,start_date,end_date,arr\n"
            "o1,OLD,2026-06-02,,500\nl1,LEAD,2026-06-02,,500\n"
        )
        import_files(ws, "subscriptions", [booked], now=NOW)
        after = active()
    assert {k: v for k, v in after.items() if k[1] == "2026-06-01"} == {
        k: v for k, v in before.items() if k[1] == "2026-06-01"
    }


def test_tenure_counts_from_the_earliest_sign_of_the_customer_and_never_drops(
    tmp_path: Path,
) -> None:
    """Customer since June 1st, first subscription booked November 10th: tenure keeps growing
    through the booking (it fell from 161 to 6 days when the subscription start replaced
    customer_since); a subscription started before customer_since counts from its start."""
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "account_id,name,customer_since\nA7,Late contract,2026-06-01\nB1,Early contract,2026-03-01\n"
    )
    subs = tmp_path / "subscriptions.csv"
    subs.write_text(
        "subscription_id,account_id,start_date,end_date,arr\n"
        "s7,A7,2026-11-10,,1000\nb1,B1,2026-01-01,,500\n"
    )
    days = [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    with Workspace.init(tmp_path / "ws") as ws:
        import_files(ws, "accounts", [accounts], now=NOW)
        import_files(ws, "subscriptions", [subs], now=NOW)
        state = account_state(ws, dates_table(days)).to_pandas()
    tenure = {(r.account_id, str(r.as_of)[:10]): r.tenure_days for r in state.itertuples()}
    assert [tenure["A7", str(d)] for d in days] == [154, 161, 168]
    assert [tenure["B1", str(d)] for d in days] == [305, 312, 319]
