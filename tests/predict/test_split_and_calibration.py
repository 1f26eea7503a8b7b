"""The time split never lets a label window reach the next slice; calibration fixes drift."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss

from vigie.errors import PredictionError
from vigie.predict.train import fit, split_dates

START = dt.date(2024, 1, 1)


@pytest.mark.parametrize("weeks", [40, 60, 104])
@pytest.mark.parametrize("horizon", [30, 90])
def test_slices_are_ordered_with_horizon_gaps(weeks: int, horizon: int) -> None:
    dates = [START + dt.timedelta(days=7 * i) for i in range(weeks)]
    split = split_dates(dates, horizon)
    gap = dt.timedelta(days=horizon)
    # A training label looks at (D, D + horizon]: it must be known before calibration starts.
    assert max(split.train) + gap <= min(split.calibration)
    assert max(split.calibration) + gap <= min(split.test)
    assert set(split.train) | set(split.calibration) | set(split.test) <= set(dates)


def test_too_short_a_range_is_refused() -> None:
    dates = [START + dt.timedelta(days=7 * i) for i in range(20)]  # 133 days < 2 x 90
    with pytest.raises(PredictionError, match="too few to split"):
        split_dates(dates, 90)


def _rows(n: int, intercept: float, rng: np.random.Generator) -> pd.DataFrame:
    x = rng.normal(size=n)
    p = 1 / (1 + np.exp(-(intercept + 1.5 * x)))
    return pd.DataFrame(
        {"x": x, "noise": rng.normal(size=n), "segment": "smb", "label": rng.random(n) < p}
    )


@pytest.mark.parametrize("kind", ["logistic", "gbm"])
def test_calibration_on_a_later_slice_improves_brier_on_held_out_rows(kind: str) -> None:
    """Churn fell after the training period: the later calibration slice corrects for it."""
    rng = np.random.default_rng(7)
    train, later, test = _rows(3000, -0.5, rng), _rows(3000, -3.0, rng), _rows(3000, -3.0, rng)
    pipeline, calibrated = fit(kind, ["x", "noise"], train, later)
    features = test[["x", "noise", "segment"]]
    raw = brier_score_loss(test["label"], pipeline.predict_proba(features)[:, 1])
    better = brier_score_loss(test["label"], calibrated.predict_proba(features)[:, 1])
    assert better < 0.5 * raw
