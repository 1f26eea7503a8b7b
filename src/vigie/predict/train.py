"""Train a calibrated churn model over many as-of dates, with a time split that cannot leak.

Dates are split by time into train, calibration and test slices separated by
gaps of at least the horizon: a training row's label (churn in (D, D + h])
is fully known before the first calibration date, and likewise before the
first test date. The model learns on train, its probabilities are calibrated
on the later calibration slice (Platt scaling on the frozen model), and every
metric stored with it is measured on the test slice it never saw.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.frozen import FrozenEstimator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from vigie.errors import PredictionError
from vigie.jsonsafe import json_safe
from vigie.predict.backtest import Backtest, evaluate
from vigie.predict.features import CATEGORICAL, KEYS, build_features, feature_columns
from vigie.predict.labels import labels_frame
from vigie.predict.store import model_dir
from vigie.scorecard import spec
from vigie.scorecard.spec import load_scorecard
from vigie.workspace import Workspace

MODEL_KINDS = ("logistic", "gbm")
RISK_BANDS = (("low", 0.0), ("medium", 0.10), ("high", 0.25))
"""Probability bands, healthiest first: a probability >= the bound takes the band."""
SHARES = (0.6, 0.2, 0.2)
"""Share of the usable date span for train, calibration and test."""


@dataclass(frozen=True)
class Split:
    train: list[dt.date]
    calibration: list[dt.date]
    test: list[dt.date]


def split_dates(dates: list[dt.date], horizon: int) -> Split:
    """Time-ordered slices with gaps of `horizon` days between them (none may be empty)."""
    dates = sorted(set(dates))
    if not dates:
        raise PredictionError("No as-of dates to train on: give --from and --to.")
    gap = dt.timedelta(days=horizon)
    span = (dates[-1] - dates[0]) - 2 * gap
    train_end = dates[0] + span * SHARES[0]
    calibration_start = train_end + gap
    calibration_end = calibration_start + span * SHARES[1]
    test_start = calibration_end + gap
    split = Split(
        train=[d for d in dates if d <= train_end],
        calibration=[d for d in dates if calibration_start <= d <= calibration_end],
        test=[d for d in dates if d >= test_start],
    )
    if span < dt.timedelta(0) or not (split.train and split.calibration and split.test):
        raise PredictionError(
            f"Dates {dates[0]} to {dates[-1]} are too few to split by time with {horizon}-day "
            f"gaps into train, calibration and test: give a range longer than "
            f"{2 * horizon} days with several dates in it (e.g. weekly over a year or more)."
        )
    return split


def dataset(
    workspace: Workspace,
    card: spec.Scorecard,
    dates: list[dt.date],
    horizon: int,
    target: str = "churn",
) -> pd.DataFrame:
    """Features joined with labels: one row per account active at each date."""
    labels = labels_frame(workspace, dates, horizon, target)
    features = build_features(workspace, card, dates, horizon)
    return features.merge(labels[[*KEYS, "label", "churn_date"]], on=KEYS, how="inner")


def _pipeline(kind: str, numeric: list[str]) -> Pipeline:
    prepare = ColumnTransformer(
        [
            (
                "num",
                Pipeline(
                    [
                        (
                            "impute",
                            SimpleImputer(
                                strategy="median", add_indicator=True, keep_empty_features=True
                            ),
                        ),
                        ("scale", StandardScaler()),
                    ]
                ),
                numeric,
            ),
            ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), CATEGORICAL),
        ],
        verbose_feature_names_out=False,
    )
    if kind == "logistic":
        model: Any = LogisticRegression(C=0.05, max_iter=5000)
    else:
        model = LGBMClassifier(
            n_estimators=300,
            learning_rate=0.03,
            num_leaves=15,
            min_child_samples=40,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            random_state=0,
            n_jobs=2,
            verbose=-1,
        )
    return Pipeline([("prepare", prepare), ("model", model)])


def fit(
    kind: str, numeric: list[str], train_rows: pd.DataFrame, calibration_rows: pd.DataFrame
) -> tuple[Pipeline, CalibratedClassifierCV]:
    """The model fitted on the training rows, then calibrated (frozen) on the later rows."""
    pipeline = _pipeline(kind, numeric)
    pipeline.fit(train_rows[[*numeric, *CATEGORICAL]], train_rows["label"].astype(bool))
    calibrated = CalibratedClassifierCV(FrozenEstimator(pipeline), method="sigmoid")
    calibrated.fit(
        calibration_rows[[*numeric, *CATEGORICAL]], calibration_rows["label"].astype(bool)
    )
    return pipeline, calibrated


@dataclass
class ChurnModel:
    """A fitted pipeline, its calibration, and what it was trained on."""

    name: str
    kind: str
    horizon: int
    card: spec.Scorecard
    pipeline: Pipeline
    calibrated: CalibratedClassifierCV
    metadata: dict[str, Any]

    @property
    def numeric(self) -> list[str]:
        return list(self.metadata["features"])

    @property
    def target(self) -> str:
        """What the model predicts: churn or downsell (models saved before targets: churn)."""
        return str(self.metadata.get("target", "churn"))

    def _x(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The features in training order; a feature absent at prediction time is NaN."""
        return frame.reindex(columns=[*self.numeric, *CATEGORICAL])

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        return self.calibrated.predict_proba(self._x(frame))[:, 1]

    def drivers(self, frame: pd.DataFrame, top: int = 3) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the `top` features pushing the churn log-odds up most, and their contributions.

        Logistic: standardised value x coefficient; gbm: LightGBM's own contributions.
        A slot whose contribution is not positive holds no driver (None).
        """
        prepare, model = self.pipeline[0], self.pipeline[-1]
        z = prepare.transform(self._x(frame))
        names = np.asarray(prepare.get_feature_names_out(), dtype=object)
        if self.kind == "logistic":
            contributions = z * model.coef_[0]
        else:
            contributions = model.predict(z, pred_contrib=True)[:, :-1]
        order = np.argsort(-contributions, axis=1)[:, :top]
        values = np.take_along_axis(contributions, order, axis=1)
        return np.where(values > 0, names[order], None), values

    def risk_band(self, probability: np.ndarray) -> np.ndarray:
        bounds = [bound for _, bound in RISK_BANDS]
        return np.array([name for name, _ in RISK_BANDS])[
            np.searchsorted(bounds, probability, side="right") - 1
        ]


def model_frame(model: ChurnModel, data: pd.DataFrame) -> pd.DataFrame:
    """`data` with the model's probability as risk and its band (a backtest frame)."""
    probability = model.probability(data)
    return data.assign(risk=probability, probability=probability, band=model.risk_band(probability))


def scorecard_frame(data: pd.DataFrame) -> pd.DataFrame:
    """`data` ranked by the composite score: the lower the score, the higher the risk."""
    return data.assign(risk=-data["score"].to_numpy(dtype=float))


def band_order(card: spec.Scorecard) -> list[str]:
    """The scorecard's band names healthiest first, segment-only names after."""
    names = [b.name for b in card.bands]
    for segment in card.segments:
        names += [b.name for b in segment.bands or [] if b.name not in names]
    return names


def evaluate_model(model: ChurnModel, data: pd.DataFrame) -> Backtest:
    names = [name for name, _ in RISK_BANDS]
    return evaluate(model_frame(model, data), model.name, "model", names, names[-1])


def evaluate_scorecard(card: spec.Scorecard, data: pd.DataFrame) -> Backtest:
    order = band_order(card)
    points = [c for c in data.columns if c.startswith(("points:", "dim:")) and "change" not in c]
    result = evaluate(
        scorecard_frame(data), card.name, "scorecard", order, card.bands[-1].name, points
    )
    result.extra["scorecard_version"] = card.version
    return result


def train(
    workspace: Workspace,
    card: spec.Scorecard,
    dates: list[dt.date],
    kind: str = "logistic",
    horizon: int = 90,
    name: str | None = None,
    target: str = "churn",
) -> tuple[ChurnModel, Backtest, Backtest]:
    """Fit, calibrate, evaluate on held-out dates and store the model in the workspace.

    Returns the model, its test backtest, and the scorecard's backtest on the same rows.
    """
    if kind not in MODEL_KINDS:
        raise PredictionError(f"Unknown model {kind!r}: use one of {', '.join(MODEL_KINDS)}.")
    name = name or f"{target}-{kind}"
    model_dir(workspace, name)  # a name that cannot be a folder is refused before the work
    split = split_dates(dates, horizon)
    used = split.train + split.calibration + split.test  # the gaps' dates are never scored
    data = dataset(workspace, card, used, horizon, target)
    part = {
        key: data[data["as_of"].isin(getattr(split, key))]
        for key in ("train", "calibration", "test")
    }
    for key, rows in part.items():
        if rows["label"].nunique() < 2:
            raise PredictionError(
                f"The {key} dates ({min(getattr(split, key))} to {max(getattr(split, key))}) "
                f"have no {target if not rows['label'].any() else 'non-' + target} at all: "
                "widen --from/--to or import more history."
            )
    numeric = feature_columns(data)
    pipeline, calibrated = fit(kind, numeric, part["train"], part["calibration"])
    model = ChurnModel(name, kind, horizon, card, pipeline, calibrated, {"features": numeric})
    tested = replace(evaluate_model(model, part["test"]), target=target)
    baseline = replace(evaluate_scorecard(card, part["test"]), target=target)
    model.metadata = json_safe(
        {
            "name": name,
            "kind": kind,
            "target": target,
            "horizon_days": horizon,
            "scorecard": card.name,
            "scorecard_version": card.version,
            "features": numeric,
            "categorical": CATEGORICAL,
            "dates": {key: [min(v), max(v), len(v)] for key, v in vars(split).items()},
            "rows": {key: len(rows) for key, rows in part.items()},
            "metrics": {
                "test": _headline(tested),
                "scorecard_on_test": _headline(baseline),
                "uncalibrated_brier_test": _uncalibrated_brier(pipeline, part["test"], numeric),
            },
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "versions": {
                pkg: version(pkg) for pkg in ("vigie", "scikit-learn", "lightgbm", "pandas")
            }
            | {"python": platform.python_version()},
        }
    )
    save_model(workspace, model)
    return model, tested, baseline


def _headline(result: Backtest) -> dict[str, Any]:
    keys = (
        "rows",
        "churners",
        "roc_auc",
        "pr_auc",
        "top_decile_lift",
        "top_decile_capture",
        "brier",
        "green_churner_rate",
    )
    return {key: getattr(result, key) for key in keys}


def _uncalibrated_brier(pipeline: Pipeline, rows: pd.DataFrame, numeric: list[str]) -> float:
    raw = pipeline.predict_proba(rows[[*numeric, *CATEGORICAL]])[:, 1]
    return float(np.mean((raw - rows["label"].to_numpy(dtype=float)) ** 2))


def save_model(workspace: Workspace, model: ChurnModel) -> Path:
    """DIR/models/NAME/: model.joblib, metadata.json and the scorecard it scores with."""
    folder = model_dir(workspace, model.name)
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(
        {"pipeline": model.pipeline, "calibrated": model.calibrated}, folder / "model.joblib"
    )
    (folder / "scorecard.json").write_text(
        json.dumps(model.card.model_dump(mode="json"), indent=1), encoding="utf-8"
    )
    (folder / "metadata.json").write_text(json.dumps(model.metadata, indent=2), encoding="utf-8")
    return folder


def load_model(workspace: Workspace, name: str) -> ChurnModel:
    folder = model_dir(workspace, name)
    if not (folder / "metadata.json").is_file():
        found = sorted(p.parent.name for p in folder.parent.glob("*/metadata.json"))
        raise PredictionError(
            f"No model {name!r} in {folder.parent}. Train one with `vigie train --name {name}`"
            + (f"; models here: {', '.join(found)}." if found else ".")
        )
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    card = load_scorecard((folder / "scorecard.json").read_text(encoding="utf-8"))
    parts = joblib.load(folder / "model.joblib")
    return ChurnModel(
        name,
        metadata["kind"],
        int(metadata["horizon_days"]),
        card,
        parts["pipeline"],
        parts["calibrated"],
        metadata,
    )
