"""Raw values of every metric kind on the fixture data as of 2024-03-01, computed by hand.

Windows are [D - w, D): the fixture's facts dated 2024-03-01 never count.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from vigie.engine.scoring import score
from vigie.scorecard.facts import FactPlan, plan_facts
from vigie.scorecard.spec import load_scorecard
from vigie.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
D = dt.date(2024, 3, 1)
NA = None

# measure -> {account: raw value}. P1 is a rolled-up parent: it has no measure rows.
EXPECTED = {
    "report_quantity_28d": {"A1": 5.0, "A2": 0.0, "A3": 0.0},
    "users_28d": {"A1": 3.0, "A2": 1.0, "A3": 0.0},  # u1, u2, u3 / u9
    "api_users_28d": {"A1": 0.0, "A2": 1.0, "A3": 0.0},  # A1 has events, none an api_call
    "used_events_28d": {"A1": 2.0, "A2": 1.0, "A3": 0.0},  # login + report_run / login
    "logins_per_user_28d": {"A1": 1.0, "A2": 2.0, "A3": NA},  # 3/3, 2/1, no users
    "csat_180d": {"A1": NA, "A2": 4.5, "A3": NA},
    "login_share": {"A1": 0.75, "A2": 2 / 3, "A3": NA},  # 3/4, 2/3, 0/0
    "responsiveness": {"A1": 1.0, "A2": NA, "A3": NA},  # A2's rating is older than 180d
    "open_ticket": {"A1": 1.0, "A2": 1.0, "A3": 0.0},  # T2 closes on D: still open at D
    "late_invoices_365d": {"A1": 0.0, "A2": 2.0, "A3": 0.0},  # V4 is due after D
    "severe_tickets_90d": {"A1": 2.0, "A2": 0.0, "A3": 0.0},
    "days_to_renewal": {"A1": 306.0, "A2": 92.0, "A3": NA},  # A3 is open-ended
    "tenure_days": {"A1": 425.0, "A2": 274.0, "A3": 425.0},
    "login_slope_4w": {"A1": -40.0, "A2": -80.0, "A3": NA},  # weekly [1,1,1,0], [1,1,0,0]
    "events_percentile": {"A1": 100.0, "A2": 100.0, "A3": 0.0},  # P1 (0 events) ranks below A1
    "is_enterprise": {"A1": 1.0, "A2": 0.0, "A3": 0.0},
}


def test_every_metric_kind_raw_value(ws: Workspace) -> None:
    card = load_scorecard(FIXTURES / "kinds.yaml")
    measures = score(ws, card, [D], persist=False).measures
    got = {(r.measure, r.account_id): r for r in measures.itertuples()}
    for measure, by_account in EXPECTED.items():
        for account, want in by_account.items():
            raw = got[(measure, account)].raw_value
            if want is None:
                assert math.isnan(raw), (measure, account, raw)
            else:
                assert raw == pytest.approx(want), (measure, account, raw)
    plan = {a: got[("plan", a)].raw_text for a in ("A1", "A2", "A3")}
    assert plan == {"A1": "enterprise", "A2": "starter", "A3": "starter"}
    assert got[("plan", "A2")].points == 40.0


def test_fact_plans_read_only_the_days_and_columns_a_run_needs() -> None:
    # usage_events: 28d windows, and slope's 4 weekly windows reach 28 days before the
    # first date (2024-02-01); tickets: `exists` reads all history; facts on or after the
    # last date are never read.
    card = load_scorecard(FIXTURES / "kinds.yaml")
    plans = plan_facts(card, [D, dt.date(2024, 2, 1)])
    assert plans == {
        "usage_events": FactPlan(dt.date(2024, 1, 4), D, ("event", "user_id")),
        "surveys": FactPlan(dt.date(2023, 8, 5), D, ("kind",)),  # csat, 180d
        "ratings": FactPlan(dt.date(2023, 8, 5), D, ("measure",)),  # latest, max_age 180d
        "tickets": FactPlan(None, D, ("severity",)),
        "invoices": FactPlan(dt.date(2023, 2, 1), D, ()),  # 365d; `late` is no column
    }
    # several dates: per-day groups where no condition depends on D
    daily = {table for table, plan in plans.items() if plan.daily}
    assert daily == {"usage_events", "surveys"}
    # the 4 weekly windows of the slope and the 28d windows: one aggregate, 8 columns
    # (count of logins now and 3 earlier weeks, 7d window now is another Agg, ...)
    usage = plans["usage_events"].aggs
    assert len(usage) == len(set(usage))
    assert {(a.op, a.start, a.end) for a in usage if a.where == {"event": "login"}} == {
        ("count", 28, 0),
        ("count", 7, 0),
        ("count", 14, 7),
        ("count", 21, 14),
        ("count", 28, 21),
    }
    assert not any(p.daily for p in plan_facts(card, [D]).values())  # one date: raw facts
    previous = load_scorecard(FIXTURES / "reference.yaml")  # change vs previous: 2 x 28d
    assert plan_facts(previous, [D])["usage_events"] == FactPlan(dt.date(2024, 1, 5), D, ("event",))


def test_undated_contacts_count_as_started(duck: Workspace) -> None:
    # C3 (A2, no start date, never ended) becomes a champion: A2 has one at D and a week
    # before; A3's champion C4 starts ON D, so it does not count yet.
    duck.con.raw_sql("UPDATE contacts SET is_champion = true WHERE contact_id = 'C3'")
    card = load_scorecard(FIXTURES / "reference.yaml")
    measures = score(duck, card, [D, D - dt.timedelta(days=7)], persist=False).measures
    champion = measures[measures.measure == "champion_present"]
    got = {(r.account_id, r.as_of): r.raw_value for r in champion.itertuples()}
    for as_of in (D, D - dt.timedelta(days=7)):
        assert got[("A2", as_of)] == 1.0
        assert got[("A3", as_of)] == 0.0


@pytest.mark.parametrize("fixture", ["kinds.yaml", "reference.yaml"])
def test_many_dates_at_once_equal_each_date_alone(duck: Workspace, fixture: str) -> None:
    # one date reads raw facts, several dates per-day groups: both give the same values
    card = load_scorecard(FIXTURES / fixture)
    dates = [D, D - dt.timedelta(days=7), D - dt.timedelta(days=30), D - dt.timedelta(days=91)]
    together = score(duck, card, dates, persist=False).measures
    alone = [score(duck, card, [d], persist=False).measures for d in dates]
    key = ["account_id", "as_of", "measure"]
    columns = ["raw_value", "raw_text", "points", "missing"]
    merged = together.merge(pd.concat(alone), on=key, how="outer", suffixes=("", "_alone"))
    assert len(merged) == len(together) == sum(len(a) for a in alone)
    for column in columns:
        a, b = merged[column], merged[f"{column}_alone"]
        same = (a == b) | (a.isna() & b.isna())
        if column in ("raw_value", "points"):
            same |= (a - b).abs() < 1e-9
        assert same.all(), merged.loc[~same, [*key, column, f"{column}_alone"]]
