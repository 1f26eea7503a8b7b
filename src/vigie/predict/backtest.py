"""How well a risk ranking predicted churn: the metrics of a backtest.

A backtest frame has one row per account and as-of date with `label` (churned
within the horizon), `churn_date`, `risk` (higher = riskier: minus the score
for a scorecard, the probability for a model), `band`, and `probability`
when the ranking is a calibrated model. Lift and capture are computed per
date (a CS team reviews its riskiest tenth each week) and pooled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score, roc_curve

from vigie.jsonsafe import json_safe

TOP_SHARE = 0.1
CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Backtest:
    """Every metric of one scorecard or model over a set of as-of dates."""

    name: str
    kind: str
    """"scorecard" or "model"."""
    dates: list
    rows: int
    churners: int
    base_rate: float
    roc_auc: float
    pr_auc: float
    top_decile_lift: float
    top_decile_capture: float
    green_churner_rate: float
    """Share of churners that sat in the healthiest band at the date."""
    bands: pd.DataFrame
    """Per band: accounts, churners, churn rate and its 95 % Wilson interval."""
    lead_time: dict[str, float]
    by_band_over_time: pd.DataFrame
    roc_points: pd.DataFrame
    capture_curve: pd.DataFrame
    brier: float | None = None
    calibration: pd.DataFrame | None = None
    univariate: pd.DataFrame | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    target: str = "churn"
    """What the labels are: "churn" or "downsell" (the model's target)."""

    def summary(self) -> dict[str, Any]:
        """JSON-ready metrics (tables as lists of records)."""

        def records(frame: pd.DataFrame | None) -> list[dict[str, Any]] | None:
            if frame is None:
                return None
            return json_safe(frame.to_dict(orient="records"))

        return json_safe(
            {
                "name": self.name,
                "kind": self.kind,
                "target": self.target,
                "dates": [str(min(self.dates)), str(max(self.dates)), len(self.dates)],
                "rows": self.rows,
                "churners": self.churners,
                "base_rate": self.base_rate,
                "roc_auc": self.roc_auc,
                "pr_auc": self.pr_auc,
                "top_decile_lift": self.top_decile_lift,
                "top_decile_capture": self.top_decile_capture,
                "green_churner_rate": self.green_churner_rate,
                "brier": self.brier,
                "lead_time": self.lead_time,
                "bands": records(self.bands),
                "calibration": records(self.calibration),
                "univariate_auc": records(self.univariate),
                **self.extra,
            }
        )


def evaluate(
    frame: pd.DataFrame,
    name: str,
    kind: str,
    band_order: list[str],
    warning_band: str,
    univariate_columns: list[str] | None = None,
) -> Backtest:
    """All metrics of `frame` (see module docstring). `band_order` runs healthiest first."""
    y = frame["label"].astype(bool).to_numpy()
    risk = frame["risk"].to_numpy(dtype=float)
    churners = int(y.sum())
    top = _top_share(frame)
    probability = frame.get("probability")
    calibrated = probability is not None and probability.notna().all()
    return Backtest(
        name=name,
        kind=kind,
        dates=sorted(frame["as_of"].unique()),
        rows=len(frame),
        churners=churners,
        base_rate=float(y.mean()) if len(y) else math.nan,
        roc_auc=_auc(y, risk),
        pr_auc=float(average_precision_score(y, risk)) if churners else math.nan,
        top_decile_lift=float(y[top].mean() / y.mean()) if churners else math.nan,
        top_decile_capture=float(y[top].sum() / churners) if churners else math.nan,
        green_churner_rate=(
            float((frame.loc[y, "band"] == band_order[0]).mean()) if churners else math.nan
        ),
        bands=band_table(frame, band_order),
        lead_time=lead_time(frame, warning_band),
        by_band_over_time=_by_band_over_time(frame),
        roc_points=_roc_points(y, risk),
        capture_curve=_capture_curve(y, risk),
        brier=float(brier_score_loss(y, probability)) if calibrated else None,
        calibration=calibration_table(y, probability.to_numpy()) if calibrated else None,
        univariate=univariate_auc(frame, univariate_columns) if univariate_columns else None,
    )


def _auc(y: np.ndarray, risk: np.ndarray) -> float:
    return float(roc_auc_score(y, risk)) if 0 < y.sum() < len(y) else math.nan


def _top_share(frame: pd.DataFrame) -> np.ndarray:
    """Rows in the riskiest TOP_SHARE of their as-of date (at least one row per date)."""
    rank = frame.groupby("as_of")["risk"].rank(method="first", ascending=False)
    size = frame.groupby("as_of")["risk"].transform("size")
    return (rank <= np.ceil(size * TOP_SHARE)).to_numpy()


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion (NaN, NaN) without trials."""
    if trials == 0:
        return math.nan, math.nan
    ci = binomtest(successes, trials).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def band_table(frame: pd.DataFrame, band_order: list[str]) -> pd.DataFrame:
    grouped = frame.groupby("band")["label"].agg(accounts="size", churners="sum")
    grouped = grouped.reindex(band_order, fill_value=0).reset_index()
    grouped["churners"] = grouped["churners"].astype(int)
    grouped["churn_rate"] = grouped["churners"] / grouped["accounts"].where(grouped["accounts"] > 0)
    intervals = [
        wilson(k, n) for k, n in zip(grouped["churners"], grouped["accounts"], strict=True)
    ]
    grouped["ci_low"] = [low for low, _ in intervals]
    grouped["ci_high"] = [high for _, high in intervals]
    return grouped


def lead_time(frame: pd.DataFrame, warning_band: str) -> dict[str, float]:
    """Days between the first as-of date an account sat in `warning_band` and its churn.

    Only dates within the horizon before the churn count (the labelled rows),
    so the lead time is at most the horizon.
    """
    churned = frame[frame["label"].astype(bool)]
    events = churned.groupby(["account_id", "churn_date"]).size()
    warned = churned[churned["band"] == warning_band]
    first = warned.groupby(["account_id", "churn_date"])["as_of"].min().reset_index()
    days = (pd.to_datetime(first["churn_date"]) - pd.to_datetime(first["as_of"])).dt.days
    return {
        "churn_events": float(len(events)),
        "warned_share": float(len(first) / len(events)) if len(events) else math.nan,
        "median_days": float(days.median()) if len(days) else math.nan,
        "mean_days": float(days.mean()) if len(days) else math.nan,
    }


def calibration_table(y: np.ndarray, probability: np.ndarray) -> pd.DataFrame:
    """Rows grouped by predicted probability (deciles): mean predicted vs observed churn rate."""
    bins = pd.qcut(probability, CALIBRATION_BINS, duplicates="drop")
    frame = pd.DataFrame({"bin": bins, "p": probability, "y": y.astype(float)})
    table = frame.groupby("bin", observed=True).agg(
        rows=("y", "size"), predicted=("p", "mean"), observed=("y", "mean")
    )
    return table.reset_index(drop=True)


def univariate_auc(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """AUC of each column alone, oriented so that a LOW value means risk (points, scores)."""
    y = frame["label"].astype(bool).to_numpy()
    rows = []
    for column in columns:
        values = frame[column].to_numpy(dtype=float)
        present = ~np.isnan(values)
        rows.append(
            {
                "feature": column,
                "coverage": float(present.mean()) if len(values) else math.nan,
                "auc": _auc(y[present], -values[present]),
            }
        )
    return pd.DataFrame(rows).sort_values("auc", ascending=False, ignore_index=True)


def _by_band_over_time(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.groupby(["as_of", "band"])["label"].agg(accounts="size", churners="sum")
    table = table.reset_index()
    table["churn_rate"] = table["churners"] / table["accounts"]
    return table


def _roc_points(y: np.ndarray, risk: np.ndarray) -> pd.DataFrame:

    if not 0 < y.sum() < len(y):
        return pd.DataFrame({"fpr": [], "tpr": []})
    fpr, tpr, _ = roc_curve(y, risk)
    return pd.DataFrame({"fpr": fpr, "tpr": tpr})


def _capture_curve(y: np.ndarray, risk: np.ndarray) -> pd.DataFrame:
    """Share of churners caught when reviewing the riskiest x % of rows (pooled)."""
    order = np.argsort(-risk, kind="stable")
    caught = np.cumsum(y[order]) / max(int(y.sum()), 1)
    share = np.arange(1, len(y) + 1) / max(len(y), 1)
    step = max(len(y) // 200, 1)
    return pd.DataFrame({"reviewed": share[::step], "captured": caught[::step]})
