"""Score direction, renewal at risk, storage, and point-in-time invariance over all families."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pyarrow as pa
from pandas.testing import assert_frame_equal
from signals_helpers import accounts, daily_usage, fired, load, run

from vigie.engine.scoring import DIMENSIONS, SCHEMAS, SNAPSHOTS
from vigie.engine.state import dates_table
from vigie.signals import score_direction
from vigie.signals.base import Context
from vigie.signals.compute import (
    _renewal,
    compute_signals,
    recent_signals,
    signals_for,
    stored_signals,
)
from vigie.signals.config import load_config

D, T = dt.date, dt.datetime
AS_OF = D(2025, 6, 2)


def _snapshots(ws, scores: dict[str, list[float]], card: str = "saas-standard") -> None:
    """Weekly composite snapshots ending at AS_OF (oldest first) of `card`."""
    rows = []
    for account, values in scores.items():
        for i, value in enumerate(reversed(values)):
            rows.append(
                {
                    "account_id": account,
                    "as_of": AS_OF - dt.timedelta(days=7 * i),
                    "scorecard": card,
                    "scorecard_version": "v",
                    "score": value,
                }
            )
    frame = pd.DataFrame(rows)
    schema = SCHEMAS[SNAPSHOTS]
    for col in schema.names:
        if col not in frame:
            frame[col] = None
    ws.con.create_table(SNAPSHOTS, schema=schema)
    arrow = pa.Table.from_pandas(frame[list(schema.names)], schema=schema.to_pyarrow())
    ws.con.insert(SNAPSHOTS, ibis.memtable(arrow))


def test_direction_matters_more_than_level(ws) -> None:
    weeks = 14  # 13 weeks back covers D - 90
    falling = [80 - 30 * i / (weeks - 1) for i in range(weeks)]  # 80 -> 50 in three months
    slipping = [90.0] * (weeks - 5) + [88, 86, 84, 82, 80]  # 90 -> 80 in a month
    _snapshots(ws, {"URGENT": falling, "SLIPPING": slipping, "STABLE": [70.0] * weeks})
    accounts(ws, ["URGENT", "SLIPPING", "STABLE"])
    out = run(ws, score_direction.signals, [AS_OF])
    assert fired(out, "score_drop_90d") == {("URGENT", AS_OF)}
    assert fired(out, "score_drop_30d") == {("URGENT", AS_OF), ("SLIPPING", AS_OF)}
    # Over the 8 weeks of the trend line: -2.3 points a week fires, -1.5 does not.
    assert fired(out, "score_trend") == {("URGENT", AS_OF)}
    assert "STABLE" not in set(out["account_id"])
    urgent = out[(out["account_id"] == "URGENT") & (out["kind"] == "score_drop_90d")].iloc[0]
    assert (urgent["severity"], urgent["value"], urgent["baseline"]) == ("high", 50.0, 80.0)
    slip = out[(out["account_id"] == "SLIPPING") & (out["kind"] == "score_drop_30d")].iloc[0]
    assert slip["severity"] == "medium"


def test_a_dimension_drop_is_high_only_past_the_urgent_dimension_drop(ws) -> None:
    """It fires at 30 points; with urgent_drop's 25, every firing was high."""
    _snapshots(ws, {a: [70.0] * 14 for a in ("MILD", "STEEP", "SMALL")})
    accounts(ws, ["MILD", "STEEP", "SMALL"])
    falls = {"MILD": 35.0, "STEEP": 55.0, "SMALL": 25.0}
    rows = [
        {"account_id": a, "as_of": day, "scorecard": "saas-standard", "dimension": "usage",
         "score": 90.0 - (fall if day == AS_OF else 0.0)}
        for a, fall in falls.items()
        for day in (AS_OF, AS_OF - dt.timedelta(days=91))
    ]  # fmt: skip
    frame = pd.DataFrame(rows).reindex(columns=SCHEMAS[DIMENSIONS].names)
    ws.con.create_table(DIMENSIONS, ibis.memtable(frame, schema=SCHEMAS[DIMENSIONS]))
    out = run(ws, score_direction.signals, [AS_OF])
    drops = out[out["kind"] == "dimension_drop"].set_index("account_id")["severity"]
    assert drops.to_dict() == {"MILD": "medium", "STEEP": "high"}


def test_score_signals_read_the_scorecard_the_team_scores(ws) -> None:
    """No configuration: the most recently scored scorecard's drops fire, whatever its name."""
    _snapshots(ws, {"URGENT": [80 - 30 * i / 13 for i in range(14)]}, card="our-health")
    accounts(ws, ["URGENT"])
    out = run(ws, score_direction.signals, [AS_OF])
    assert fired(out, "score_drop_90d") == {("URGENT", AS_OF)}
    pinned = load_config().model_copy(
        update={
            "score_direction": load_config().score_direction.model_copy(
                update={"scorecard": "saas-standard"}
            )
        }
    )
    assert run(ws, score_direction.signals, [AS_OF], pinned).empty


def _book(ws) -> None:
    """Two accounts: RENEWS renews on 2025-07-01 and its champion left; OK renews next year."""
    load(ws, "accounts", [{"account_id": a, "name": a, "segment": "smb"} for a in ("RENEWS", "OK")])
    load(
        ws,
        "subscriptions",
        [
            {
                "subscription_id": "s1",
                "account_id": "RENEWS",
                "start_date": D(2024, 7, 1),
                "end_date": D(2025, 7, 1),
                "arr": 100.0,
                "seats": 10,
            },
            {
                "subscription_id": "s2",
                "account_id": "OK",
                "start_date": D(2025, 1, 1),
                "end_date": D(2026, 1, 1),
                "arr": 100.0,
                "seats": 10,
            },
        ],
    )
    load(
        ws,
        "contacts",
        [
            {
                "contact_id": "c1",
                "account_id": "RENEWS",
                "is_champion": True,
                "started_at": D(2024, 7, 1),
                "ended_at": D(2025, 5, 1),
            },
            {
                "contact_id": "c2",
                "account_id": "OK",
                "is_champion": True,
                "started_at": D(2025, 1, 1),
            },
        ],
    )
    for account in ("RENEWS", "OK"):
        load(
            ws,
            "interactions",
            [
                {
                    "interaction_id": account,
                    "account_id": account,
                    "kind": "meeting",
                    "occurred_at": T(2025, 5, 20),
                }
            ],
        )
        load(ws, "usage_events", daily_usage(account, D(2025, 1, 1), D(2025, 5, 31), 2))


def test_renewal_at_risk_needs_a_near_renewal_and_another_signal(ws) -> None:
    _book(ws)
    out = compute_signals(ws, [D(2025, 3, 1), AS_OF], persist=False)
    assert fired(out, "renewal_at_risk") == {("RENEWS", AS_OF)}
    row = out[out["kind"] == "renewal_at_risk"].iloc[0]
    assert row["value"] == 29.0
    assert row["evidence"] == "renewal in 29 days with champion_left"


def test_signals_are_stored_idempotently_and_read_back(ws) -> None:
    _book(ws)
    first = compute_signals(ws, [AS_OF])
    again = compute_signals(ws, [AS_OF])
    assert_frame_equal(first, again)
    assert_frame_equal(stored_signals(ws), first, check_dtype=False)
    recent = recent_signals(ws, AS_OF + dt.timedelta(days=14), days=30, every=7)
    renews = recent[recent["account_id"] == "RENEWS"].set_index("kind")
    # Weekly dates 2025-05-19 .. 2025-06-16: usage stops after 05-31; on 05-19 the book had
    # logged no interaction yet, so no no_touch.
    assert set(renews.index) == {"champion_left", "renewal_at_risk", "usage_drop"}
    assert recent["severity"].tolist() == sorted(recent["severity"], key="high medium low".find)
    assert renews.loc["champion_left", "first_fired"] == AS_OF - dt.timedelta(days=14)
    assert renews.loc["champion_left", "as_of"] == AS_OF + dt.timedelta(days=14)
    mine = signals_for(ws, "RENEWS", AS_OF)
    assert set(mine["kind"]) == {"champion_left", "renewal_at_risk"}


def test_dates_computed_in_chunks_give_the_signals_of_one_query(ws, monkeypatch) -> None:
    """A year of weekly dates runs CHUNK_DATES at a time (memory): the same rows as one query."""
    _book(ws)
    dates = [AS_OF - dt.timedelta(days=7 * i) for i in range(7)]
    whole = compute_signals(ws, dates, persist=False)
    monkeypatch.setattr("vigie.signals.compute.CHUNK_DATES", 3)
    assert_frame_equal(compute_signals(ws, dates, persist=False), whole)
    assert whole["as_of"].nunique() > 1 and len(whole) > 0


def test_facts_on_or_after_the_date_change_nothing(ws) -> None:
    _book(ws)
    dates = [D(2025, 4, 1), AS_OF]
    before = compute_signals(ws, dates, persist=False)
    # Facts dated on or after AS_OF: known only later, so AS_OF's signals stay the same.
    load(ws, "usage_events", daily_usage("OK", AS_OF, D(2025, 9, 1), 6))
    load(
        ws,
        "tickets",
        [
            {
                "ticket_id": "t",
                "account_id": "OK",
                "severity": "critical",
                "escalated": True,
                "opened_at": T(2025, 6, 2, 0),
            }
        ],
    )
    load(
        ws,
        "invoices",
        [
            {
                "invoice_id": "i",
                "account_id": "OK",
                "amount": 1.0,
                "issued_at": AS_OF,
                "due_date": AS_OF,
            }
        ],
    )
    load(
        ws,
        "contacts",
        [{"contact_id": "c3", "account_id": "RENEWS", "is_champion": True, "started_at": AS_OF}],
    )
    load(
        ws,
        "sentiments",
        [{"account_id": "OK", "author": "a", "rated_at": T(2025, 6, 2), "rating": "red"}],
    )
    load(
        ws,
        "interactions",
        [
            {
                "interaction_id": "x",
                "account_id": "OK",
                "kind": "meeting",
                "occurred_at": T(2025, 6, 2),
            }
        ],
    )
    after = compute_signals(ws, dates, persist=False)
    assert len(before) > 0
    assert_frame_equal(before, after)


def test_a_score_signal_alone_does_not_put_a_renewal_at_risk(ws) -> None:
    """The score falls by itself as the renewal nears (days to renewal is graded)."""
    _book(ws)
    ctx = Context(ws, load_config(), dates_table([AS_OF]))

    def renewal_with(kind: str) -> set:
        fired_kinds = ibis.memtable(
            {"account_id": ["RENEWS"], "as_of": [AS_OF], "kind": [kind], "severity": ["high"]}
        )
        return set(_renewal(ctx, fired_kinds).to_pandas()["account_id"])

    assert renewal_with("dimension_drop") == set()
    assert renewal_with("score_drop_30d") == set()
    assert renewal_with("usage_drop") == {"RENEWS"}
