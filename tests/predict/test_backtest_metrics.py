"""Backtest metrics on a hand-made frame whose answers are worked out in the comments."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from vigie.predict.backtest import evaluate, wilson

D1, D2 = dt.date(2025, 1, 6), dt.date(2025, 1, 13)
CHURN = dt.date(2025, 3, 1)


@pytest.fixture
def frame() -> pd.DataFrame:
    """Two dates x 10 accounts. Risk = 10 - i; accounts 0 and 3 churn on 2025-03-01.

    Bands by i: 0-1 red, 2-5 yellow, 6-9 green. At D1 account 3 is green (i is shifted).
    """
    rows = []
    for as_of in (D1, D2):
        for i in range(10):
            churned = i in (0, 3)
            band = "red" if i < 2 else "yellow" if i < 6 else "green"
            if as_of == D1 and i == 3:
                band = "green"
            rows.append(
                {
                    "account_id": f"A{i}",
                    "as_of": as_of,
                    "label": churned,
                    "churn_date": CHURN if churned else None,
                    "risk": 10.0 - i,
                    "band": band,
                    "probability": 0.9 if churned else 0.1,
                    "points:usage": float(i),  # low points = risk: perfectly oriented
                }
            )
    return pd.DataFrame(rows)


def test_ranking_metrics(frame: pd.DataFrame) -> None:
    result = evaluate(
        frame, "card", "scorecard", ["green", "yellow", "red"], "red", ["points:usage"]
    )
    # Per date, positives rank 1 and 4 among 10: 8 + 6 = 14 of 16 pairs ordered correctly.
    assert result.roc_auc == pytest.approx(14 / 16)
    # Average precision: precision 1/1 at rank 1, 2/4 at rank 4 -> (1 + 0.5) / 2.
    assert result.pr_auc == pytest.approx(0.75)
    # Riskiest 10 % per date is one row (account 0, a churner): rate 1 vs base 0.2.
    assert result.top_decile_lift == pytest.approx(5.0)
    assert result.top_decile_capture == pytest.approx(0.5)
    assert result.base_rate == pytest.approx(0.2)
    assert (result.rows, result.churners) == (20, 4)
    # Churner rows in green: account 3 at D1 only -> 1 of 4.
    assert result.green_churner_rate == pytest.approx(0.25)
    assert result.univariate.set_index("feature").loc["points:usage", "auc"] == pytest.approx(
        14 / 16
    )


def test_bands_with_wilson_intervals(frame: pd.DataFrame) -> None:
    result = evaluate(frame, "card", "scorecard", ["green", "yellow", "red"], "red")
    bands = result.bands.set_index("band")
    assert bands["accounts"].to_dict() == {"green": 9, "yellow": 7, "red": 4}
    assert bands["churners"].to_dict() == {"green": 1, "yellow": 1, "red": 2}
    assert bands.loc["red", "churn_rate"] == pytest.approx(0.5)
    # Wilson 95 % for 2 of 4: 0.5 -+ 1.96 * sqrt(.25 / 4 + 1.96**2 / 64) / (1 + 1.96**2 / 4).
    assert bands.loc["red", "ci_low"] == pytest.approx(0.1500, abs=1e-4)
    assert bands.loc["red", "ci_high"] == pytest.approx(0.8500, abs=1e-4)
    assert all(math.isnan(v) for v in wilson(0, 0))  # no trials, no interval


def test_lead_time_from_first_warning(frame: pd.DataFrame) -> None:
    result = evaluate(frame, "card", "scorecard", ["green", "yellow", "red"], "red")
    # Two churn events; only account 0 was ever red, first at D1: 54 days before 2025-03-01.
    assert result.lead_time == {
        "churn_events": 2.0,
        "warned_share": 0.5,
        "median_days": 54.0,
        "mean_days": 54.0,
    }


def test_brier_and_calibration_for_probabilities(frame: pd.DataFrame) -> None:
    result = evaluate(frame, "model", "model", ["low", "medium", "high"], "high")
    # Every row is off by 0.1: Brier = 0.01.
    assert result.brier == pytest.approx(0.01)
    calibration = result.calibration
    assert calibration["rows"].sum() == 20
    assert calibration["observed"].tolist() == pytest.approx([0.0, 1.0])
    assert calibration["predicted"].tolist() == pytest.approx([0.1, 0.9])


def test_scorecard_without_probability_has_no_brier(frame: pd.DataFrame) -> None:
    result = evaluate(frame.drop(columns="probability"), "c", "scorecard", ["green"], "red")
    assert result.brier is None and result.calibration is None
    assert result.summary()["brier"] is None
