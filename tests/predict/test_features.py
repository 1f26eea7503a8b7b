"""Features are point-in-time: facts dated on or after D cannot change them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
from predict_helpers import copy_book

from vigie.predict.features import build_features
from vigie.scorecard import load_scorecard
from vigie.workspace import Workspace

D = dt.date(2025, 6, 2)
CARD = load_scorecard("saas-standard")


def _append(ws: Workspace, table: str, rows: list[dict]) -> None:
    schema = ws.con.table(table).schema().to_pyarrow()
    ws.con.insert(table, pa.Table.from_pylist(rows, schema=schema))


def _signals(ws: Workspace, rows: list[dict]) -> None:
    frame = pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("account_id", pa.string()),
                ("as_of", pa.date32()),
                ("kind", pa.string()),
                ("severity", pa.string()),
            ]
        ),
    )
    if "signals" in ws.con.list_tables():
        ws.con.insert("signals", frame)
    else:
        ws.con.create_table("signals", frame)


def test_facts_on_or_after_d_leave_features_unchanged(book: Path, tmp_path: Path) -> None:
    ws = copy_book(book, tmp_path)
    accounts = ws.table("accounts").account_id.to_pandas().tolist()
    _signals(
        ws,
        [
            {
                "account_id": accounts[0],
                "as_of": D - dt.timedelta(days=3),
                "kind": "usage_drop",
                "severity": "high",
            }
        ],
    )
    before = build_features(ws, CARD, [D], 90)
    assert before["signal:usage_drop"].sum() == 1.0
    # Timestamps from D's midnight on; dated rows (terms, contacts, invoices) from D + 1, since
    # the engine's account state counts a term starting on D as active on D.
    late = dt.datetime.combine(D, dt.time())
    for a in accounts:
        _append(
            ws,
            "usage_events",
            [
                {
                    "account_id": a,
                    "user_id": "new",
                    "event": e,
                    "occurred_at": late + dt.timedelta(hours=h),
                    "quantity": 50.0,
                }
                for e in ("login", "api_call", "export")
                for h in (0, 30)
            ],
        )
    _append(
        ws,
        "tickets",
        [
            {
                "ticket_id": f"T-late-{a}",
                "account_id": a,
                "opened_at": late,
                "severity": "critical",
                "escalated": True,
            }
            for a in accounts
        ],
    )
    _append(
        ws,
        "surveys",
        [
            {
                "response_id": f"S-late-{a}",
                "account_id": a,
                "kind": "nps",
                "score": 0.0,
                "answered_at": late,
            }
            for a in accounts
        ],
    )
    _append(
        ws,
        "interactions",
        [
            {"interaction_id": f"I-late-{a}", "account_id": a, "kind": "qbr", "occurred_at": late}
            for a in accounts
        ],
    )
    _append(
        ws,
        "subscriptions",
        [
            {
                "subscription_id": f"SUB-late-{a}",
                "account_id": a,
                "start_date": D + dt.timedelta(days=1),
                "end_date": D + dt.timedelta(days=30),
                "arr": 1e6,
                "seats": 1000,
            }
            for a in accounts
        ],
    )
    _append(
        ws,
        "contacts",
        [
            {"contact_id": f"C-late-{a}", "account_id": a, "is_champion": True, "started_at": D}
            for a in accounts
        ],
    )
    _append(
        ws,
        "invoices",
        [
            {
                "invoice_id": f"INV-late-{a}",
                "account_id": a,
                "amount": 1.0,
                "issued_at": D + dt.timedelta(days=1),
                "due_date": D + dt.timedelta(days=1),
            }
            for a in accounts
        ],
    )
    _signals(
        ws,
        [
            {
                "account_id": a,
                "as_of": D + dt.timedelta(days=1),
                "kind": "usage_drop",
                "severity": "high",
            }
            for a in accounts
        ],
    )
    after = build_features(ws, CARD, [D], 90)
    pd.testing.assert_frame_equal(before, after)

    # The same kind of fact one day before D does change them: the check above can fail.
    _append(
        ws,
        "usage_events",
        [
            {
                "account_id": accounts[0],
                "user_id": "new",
                "event": "login",
                "occurred_at": late - dt.timedelta(days=1),
                "quantity": 500.0,
            }
        ],
    )
    earlier = build_features(ws, CARD, [D], 90)
    changed = earlier.loc[0, "raw:usage.logins_per_seat_28d"]
    assert changed > before.loc[0, "raw:usage.logins_per_seat_28d"]
    ws.close()


def test_feature_rows_are_the_accounts_active_at_each_date(book: Path, tmp_path: Path) -> None:
    ws = copy_book(book, tmp_path)
    dates = [D, D + dt.timedelta(days=7)]
    frame = build_features(ws, CARD, dates, 90)
    assert sorted(frame["as_of"].unique()) == dates
    assert not frame.duplicated(["account_id", "as_of"]).any()
    assert (frame["renewal_within_horizon"] == (frame["days_to_renewal"] <= 90)).all()
    # Score changes come from the engine's own scores: here the other requested date.
    later = frame[frame["as_of"] == dates[1]].set_index("account_id")
    first = frame[frame["as_of"] == dates[0]].set_index("account_id")
    both = later.index.intersection(first.index)
    assert len(both) > 40
    expected = later.loc[both, "score"] - first.loc[both, "score"]
    pd.testing.assert_series_equal(later.loc[both, "score change 7d"], expected, check_names=False)
    ws.close()
