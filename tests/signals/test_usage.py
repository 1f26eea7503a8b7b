"""Usage drop, fewer active users, frequency downgrade, seasonality, feature disengagement, peers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from signals_helpers import accounts, daily_usage, fired, load, run

from vigie.engine.state import dates_table
from vigie.signals import features, peers, usage, voice
from vigie.signals.base import Context
from vigie.signals.config import load_config

D = dt.date
AUGUST_2024 = (D(2024, 8, 1), D(2024, 8, 31))
AUGUST_2025 = (D(2025, 8, 1), D(2025, 8, 31))


def _with_dips(account: str, first: dt.date, dips: list[tuple[dt.date, dt.date]]) -> pd.DataFrame:
    """Four daily users from `first` to 2025-09-30; only one of them during each dip."""
    frame = daily_usage(account, first, D(2025, 9, 30), users=4)
    day = frame["occurred_at"].dt.date
    in_dip = pd.Series(False, index=frame.index)
    for lo, hi in dips:
        in_dip |= (day >= lo) & (day <= hi)
    return frame[~in_dip | frame["user_id"].str.endswith("u0")]


def _usage_fixture(ws) -> None:
    accounts(ws, ["SEASONAL", "NEW_DIP", "YOUNG"])
    load(ws, "usage_events", _with_dips("SEASONAL", D(2024, 1, 1), [AUGUST_2024, AUGUST_2025]))
    load(ws, "usage_events", _with_dips("NEW_DIP", D(2024, 1, 1), [AUGUST_2025]))
    load(ws, "usage_events", _with_dips("YOUNG", D(2025, 3, 1), [AUGUST_2025]))


def test_usage_drop_fires_unless_last_year_dipped_the_same(ws) -> None:
    _usage_fixture(ws)
    out = run(ws, usage.signals, [D(2025, 7, 1), D(2025, 9, 1)])
    expected = {("NEW_DIP", D(2025, 9, 1)), ("YOUNG", D(2025, 9, 1))}
    for kind in ("usage_drop", "active_users_drop", "frequency_downgrade"):
        assert fired(out, kind) == expected, kind
    drop = out[(out["kind"] == "usage_drop") & (out["account_id"] == "NEW_DIP")].iloc[0]
    # 5 a day in August against 84 baseline days of which 3 were already in August.
    baseline = (81 * 20 + 3 * 5) / 84
    assert drop["baseline"] == pytest.approx(baseline)
    assert drop["value"] == pytest.approx(5 / baseline)
    assert drop["severity"] == "high"
    assert "last year at this date 1.0" in drop["evidence"]
    young = out[(out["kind"] == "usage_drop") & (out["account_id"] == "YOUNG")].iloc[0]
    assert "no year of history" in young["evidence"]


def test_a_dip_deeper_than_last_years_fires(ws) -> None:
    accounts(ws, ["DEEPER"])
    frame = _with_dips("DEEPER", D(2024, 1, 1), [AUGUST_2024])
    day = frame["occurred_at"].dt.date
    # This August nobody uses it at all: ratio 0 against last year's 0.25.
    frame = frame[~((day >= AUGUST_2025[0]) & (day <= AUGUST_2025[1]))]
    load(ws, "usage_events", frame)
    out = run(ws, usage.signals, [D(2025, 9, 1)])
    assert fired(out, "usage_drop") == {("DEEPER", D(2025, 9, 1))}


def test_a_drop_exactly_the_tolerance_below_last_year_is_seasonal(ws) -> None:
    """Last year 4.5 against 10 a day (0.45), now 3.0 (0.30): exactly 0.15 below, so seasonal
    (0.45 - 0.15 is 0.30000000000000004 in floating point); 2.9 a day is not."""
    accounts(ws, ["EXACT", "BELOW"])
    for account, now in (("EXACT", 3.0), ("BELOW", 2.9)):
        parts = [
            daily_usage(account, D(2024, 6, 1), D(2025, 10, 3), 1, 10.0),
            daily_usage(account, D(2025, 10, 4), D(2025, 10, 31), 1, now),
        ]
        year_before = daily_usage(account, D(2024, 10, 4), D(2024, 10, 31), 1, 4.5)
        frame = pd.concat(parts)
        in_window = frame["occurred_at"].between("2024-10-04", "2024-11-01")
        load(ws, "usage_events", pd.concat([frame[~in_window], year_before]))
    out = run(ws, usage.signals, [D(2025, 11, 1)])
    assert fired(out, "usage_drop") == {("BELOW", D(2025, 11, 1))}


def test_feature_disengagement(ws) -> None:
    accounts(ws, ["QUIT", "KEEPS"])
    rows = []
    for account, last in (("QUIT", D(2025, 5, 20)), ("KEEPS", D(2025, 6, 30))):
        days = pd.date_range(D(2025, 2, 1), last, freq="3D")
        rows += [
            {
                "account_id": account,
                "user_id": "u",
                "event": "api_call",
                "occurred_at": d + pd.Timedelta(hours=9),
                "quantity": 2.0,
            }
            for d in days
        ]
    load(ws, "usage_events", rows)
    out = run(ws, features.signals, [D(2025, 5, 1), D(2025, 7, 1)])
    assert fired(out, "feature_disengaged") == {("QUIT", D(2025, 7, 1))}
    assert out.iloc[0]["evidence"].endswith(": api_call")


def _peer_fixture(ws) -> None:
    ids = [f"P{i}" for i in range(10)]
    accounts(ws, ids, seats=20)
    for i, account in enumerate(ids):
        load(ws, "usage_events", daily_usage(account, D(2025, 1, 1), D(2025, 6, 30), 1, i + 1.0))


def test_low_peer_usage_is_the_bottom_of_the_segment_and_size_band(ws) -> None:
    _peer_fixture(ws)
    out = run(ws, peers.signals, [D(2025, 6, 1)])
    assert fired(out, "low_peer_usage") == {("P0", D(2025, 6, 1))}
    assert "of 10 peers (smb, 10-49 seats)" in out.iloc[0]["evidence"]


def test_peers_that_all_use_the_same_are_not_low(ws) -> None:
    ids = [f"T{i}" for i in range(6)]
    accounts(ws, ids, seats=20)
    for account in ids:
        load(ws, "usage_events", daily_usage(account, D(2025, 1, 1), D(2025, 6, 30), 1, 3.0))
    out = run(ws, peers.signals, [D(2025, 6, 1)])
    assert fired(out, "low_peer_usage") == set()
    ctx = Context(ws, load_config(), dates_table([D(2025, 6, 1)]))
    percentiles = peers.peer_percentiles(ctx).to_pandas()
    assert percentiles["percentile"].tolist() == [50.0] * 6


def test_hidden_dissatisfaction_needs_a_good_nps_and_low_usage(ws) -> None:
    _peer_fixture(ws)
    load(
        ws,
        "surveys",
        [
            {
                "response_id": "r0",
                "account_id": "P0",
                "kind": "nps",
                "score": 9.0,
                "answered_at": dt.datetime(2025, 3, 1),
            },
            {
                "response_id": "r1",
                "account_id": "P1",
                "kind": "nps",
                "score": 9.0,
                "answered_at": dt.datetime(2025, 3, 1),
            },
            {
                "response_id": "r9",
                "account_id": "P9",
                "kind": "nps",
                "score": 10.0,
                "answered_at": dt.datetime(2025, 3, 1),
            },
            # answered after D: unknown at D
            {
                "response_id": "r2",
                "account_id": "P2",
                "kind": "nps",
                "score": 9.0,
                "answered_at": dt.datetime(2025, 6, 2),
            },
        ],
    )
    out = run(ws, voice.signals, [D(2025, 6, 1)])
    # P0 and P1 are in the lowest quarter of their 10 peers; P9 uses it most.
    assert fired(out, "hidden_dissatisfaction") == {("P0", D(2025, 6, 1)), ("P1", D(2025, 6, 1))}
    assert "of 10 peers" in out.loc[out["account_id"] == "P0", "evidence"].iloc[0]


def test_hidden_dissatisfaction_needs_a_peer_group(ws) -> None:
    """Three accounts of a segment are no peer group: the lowest of them is not 'low'."""
    accounts(ws, ["S0", "S1", "S2"], segment="tiny")
    for i, account in enumerate(["S0", "S1", "S2"]):
        load(ws, "usage_events", daily_usage(account, D(2025, 1, 1), D(2025, 6, 30), 1, i + 1.0))
    nps = {"kind": "nps", "score": 9.0, "answered_at": dt.datetime(2025, 3, 1)}
    load(ws, "surveys", [{"response_id": "s0", "account_id": "S0", **nps}])
    assert run(ws, voice.signals, [D(2025, 6, 1)]).empty
