"""Contacts, support, payments, touch and stale sentiment: fire and must-not-fire dates."""

from __future__ import annotations

import datetime as dt

from signals_helpers import accounts, fired, load, run

from vigie.signals import contacts, payments, sentiment, support, touch

D, T = dt.date, dt.datetime


def test_contacts(ws) -> None:
    accounts(ws, ["LOST", "STEADY", "NONE", "NOBODY"])
    load(
        ws,
        "contacts",
        [
            {
                "contact_id": "c1",
                "account_id": "LOST",
                "is_champion": True,
                "started_at": D(2023, 1, 1),
                "ended_at": D(2025, 3, 10),
            },
            {
                "contact_id": "c2",
                "account_id": "LOST",
                "is_decision_maker": True,
                "started_at": D(2023, 1, 1),
            },
            {
                "contact_id": "c3",
                "account_id": "STEADY",
                "is_champion": True,
                "started_at": D(2023, 1, 1),
            },
            {
                "contact_id": "c4",
                "account_id": "STEADY",
                "is_decision_maker": True,
                "role": "CFO",
                "started_at": D(2025, 2, 1),
            },
            {"contact_id": "c5", "account_id": "NONE", "started_at": D(2023, 1, 1)},
        ],
    )
    dates = [D(2025, 3, 10), D(2025, 3, 11), D(2025, 9, 1)]
    out = run(ws, contacts.signals, dates)
    # The departure is known the day after it (ended_at < D) and fires for 90 days.
    assert fired(out, "champion_left") == {("LOST", D(2025, 3, 11))}
    assert fired(out, "no_champion") == (
        {(a, d) for a in ("NONE", "NOBODY") for d in dates} | {("LOST", D(2025, 9, 1))}
    )
    nobody = out[(out["account_id"] == "NOBODY") & (out["kind"] == "no_champion")]
    assert set(nobody["evidence"]) == {"no contact on record"}
    assert fired(out, "new_executive") == {("STEADY", D(2025, 3, 10)), ("STEADY", D(2025, 3, 11))}
    assert fired(out, "decision_maker_left") == set()
    left = out[out["kind"] == "champion_left"].iloc[0]
    assert (left["severity"], left["evidence"]) == (
        "high",
        "champion left on 2025-03-10; no champion since",
    )


def test_a_holding_company_without_contacts_of_its_own_has_no_no_champion(ws) -> None:
    """Its people are at its subsidiaries; a parent that records contacts is judged on them."""
    accounts(ws, ["HOLDING", "SUB", "PARENT_WITH_PEOPLE", "SUB2"])
    ws.con.raw_sql(
        "UPDATE accounts SET parent_account_id = CASE account_id WHEN 'SUB' THEN 'HOLDING' "
        "WHEN 'SUB2' THEN 'PARENT_WITH_PEOPLE' END"
    )
    people = [("c1", "SUB", True), ("c2", "SUB2", True), ("c3", "PARENT_WITH_PEOPLE", False)]
    load(ws, "contacts", [
        {"contact_id": c, "account_id": a, "is_champion": champion, "started_at": D(2023, 1, 1)}
        for c, a, champion in people
    ])  # fmt: skip
    out = run(ws, contacts.signals, [D(2025, 3, 10)])
    assert fired(out, "no_champion") == {("PARENT_WITH_PEOPLE", D(2025, 3, 10))}


def test_no_contacts_in_the_book_no_champion_signal(ws) -> None:
    accounts(ws, ["A", "B"])
    out = run(ws, contacts.signals, [D(2025, 3, 10)])
    assert fired(out, "no_champion") == set()


def test_no_interactions_in_the_book_no_touch_signal(ws) -> None:
    """A book without interactions (or before its first) is not 'untouched' everywhere."""
    accounts(ws, ["A", "B"])
    assert fired(run(ws, touch.signals, [D(2025, 3, 10)]), "no_touch") == set()
    first = {"interaction_id": "m1", "account_id": "A", "kind": "meeting"}
    load(ws, "interactions", [{**first, "occurred_at": T(2025, 3, 1)}])
    out = run(ws, touch.signals, [D(2025, 3, 1), D(2025, 3, 10)])
    assert fired(out, "no_touch") == {("B", D(2025, 3, 10))}  # B since START, over 60 days


def test_support(ws) -> None:
    accounts(ws, ["REPEAT", "CALM"])
    rows = [
        {
            "ticket_id": f"t{i}",
            "account_id": "REPEAT",
            "topic": "sso",
            "severity": "low",
            "opened_at": T(2025, 5, 1 + i),
            "closed_at": T(2025, 5, 2 + i),
        }
        for i in range(3)
    ]
    rows += [
        {
            "ticket_id": "esc",
            "account_id": "CALM",
            "topic": "billing",
            "severity": "medium",
            "escalated": True,
            "opened_at": T(2025, 5, 20),
            "closed_at": T(2025, 5, 21),
        },
        # critical, opened 2025-05-30 09:00, closed 2025-06-03: open past 24 h on 2025-06-01 only
        {
            "ticket_id": "crit",
            "account_id": "CALM",
            "topic": "outage",
            "severity": "critical",
            "opened_at": T(2025, 5, 30, 9),
            "closed_at": T(2025, 6, 3, 12),
        },
    ]
    load(ws, "tickets", rows)
    out = run(ws, support.signals, [D(2025, 5, 3), D(2025, 6, 1), D(2025, 8, 1)])
    assert fired(out, "repeat_topic") == {("REPEAT", D(2025, 6, 1))}
    assert fired(out, "escalations") == {("CALM", D(2025, 6, 1))}
    assert fired(out, "sla_breach") == {("CALM", D(2025, 6, 1))}
    assert "topic 'sso'" in out[out["kind"] == "repeat_topic"].iloc[0]["evidence"]


def test_late_and_overdue_payments(ws) -> None:
    accounts(ws, ["LATE", "ONTIME", "UNPAID"])
    load(
        ws,
        "invoices",
        [
            {
                "invoice_id": "i1",
                "account_id": "LATE",
                "amount": 10.0,
                "issued_at": D(2025, 1, 1),
                "due_date": D(2025, 1, 31),
                "paid_at": D(2025, 3, 2),
            },
            {
                "invoice_id": "i2",
                "account_id": "ONTIME",
                "amount": 10.0,
                "issued_at": D(2025, 1, 1),
                "due_date": D(2025, 1, 31),
                "paid_at": D(2025, 2, 3),
            },
            {
                "invoice_id": "i3",
                "account_id": "UNPAID",
                "amount": 10.0,
                "issued_at": D(2025, 1, 1),
                "due_date": D(2025, 1, 31),
                "paid_at": D(2025, 4, 1),
            },
        ],
    )
    out = run(ws, payments.signals, [D(2025, 2, 5), D(2025, 3, 1), D(2025, 3, 5)])
    # Unpaid at D (paid_at not before D) and more than 7 days past due: overdue.
    assert fired(out, "late_payment") == {
        ("UNPAID", D(2025, 3, 1)),
        ("UNPAID", D(2025, 3, 5)),
        ("LATE", D(2025, 3, 1)),
        ("LATE", D(2025, 3, 5)),
    }
    late = out[(out["account_id"] == "LATE") & (out["as_of"] == D(2025, 3, 5))].iloc[0]
    assert (late["severity"], late["value"]) == ("medium", 30.0)


def test_no_touch_includes_green_accounts(ws) -> None:
    accounts(ws, ["QUIET", "TALKS"])
    load(
        ws,
        "interactions",
        [
            {
                "interaction_id": "m1",
                "account_id": "QUIET",
                "kind": "meeting",
                "occurred_at": T(2025, 1, 10),
            },
            {
                "interaction_id": "e1",
                "account_id": "QUIET",
                "kind": "email",
                "responded": False,
                "occurred_at": T(2025, 3, 1),
            },
            {
                "interaction_id": "e2",
                "account_id": "TALKS",
                "kind": "email",
                "responded": True,
                "occurred_at": T(2025, 2, 20),
            },
        ],
    )
    # the meeting of 2025-01-10 is 60 days before 2025-03-11: within the last 60 days
    out = run(ws, touch.signals, [D(2025, 3, 10), D(2025, 3, 11), D(2025, 3, 12)])
    assert fired(out, "no_touch") == {("QUIET", D(2025, 3, 12))}
    assert out.iloc[0]["value"] == 61.0


def test_stale_sentiment(ws) -> None:
    accounts(ws, ["OLD", "FRESH"])
    load(
        ws,
        "sentiments",
        [
            {
                "account_id": "OLD",
                "author": "ann",
                "rated_at": T(2025, 1, 1, 12),
                "rating": "green",
            },
            {"account_id": "FRESH", "author": "bo", "rated_at": T(2025, 3, 1, 12), "rating": "red"},
        ],
    )
    out = run(ws, sentiment.signals, [D(2025, 3, 31), D(2025, 4, 1)])
    assert fired(out, "stale_sentiment") == {("OLD", D(2025, 4, 1))}
