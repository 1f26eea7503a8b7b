"""Score accounts with a stored churn model, and backtest a scorecard or a model over dates.

`predict` writes each account's churn probability and top drivers to the
`churn_predictions` table next to its health score (re-running a date for a
model replaces that date's rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import ibis
import pandas as pd
import pyarrow as pa

from vigie.errors import PredictionError
from vigie.predict.backtest import Backtest
from vigie.predict.features import build_features
from vigie.predict.store import predictions_table
from vigie.predict.train import (
    ChurnModel,
    dataset,
    evaluate_model,
    evaluate_scorecard,
    load_model,
)
from vigie.predict.tune import Tuning, tune
from vigie.scorecard.spec import load_scorecard
from vigie.workspace import Workspace

TOP_DRIVERS = 3
SCHEMA = ibis.schema(
    {
        "account_id": "string",
        "as_of": "date",
        "model": "string",
        "probability": "float64",
        "risk_band": "string",
        "score": "float64",
        "band": "string",
        **{f"driver_{i}": "string" for i in range(1, TOP_DRIVERS + 1)},
        **{f"driver_{i}_contribution": "float64" for i in range(1, TOP_DRIVERS + 1)},
    }
)


def predict(
    workspace: Workspace, model: ChurnModel | str, as_of: dt.date, persist: bool = True
) -> pd.DataFrame:
    """Probability of the model's target (churn, downsell) and top drivers of every account
    active at `as_of`, stored in that target's predictions table. `model`: a stored model's
    name, or the model itself when the caller already holds it."""
    if isinstance(model, str):
        model = load_model(workspace, model)
    features = build_features(workspace, model.card, [as_of], model.horizon)
    frame = prediction_rows(model, features)
    if persist:
        _replace(workspace, predictions_table(model.target), frame, model.name, as_of)
    return frame


def prediction_rows(model: ChurnModel, features: pd.DataFrame) -> pd.DataFrame:
    probability = model.probability(features)
    names, values = model.drivers(features, TOP_DRIVERS)
    frame = pd.DataFrame(
        {
            "account_id": features["account_id"],
            "as_of": features["as_of"],
            "model": model.name,
            "probability": probability,
            "risk_band": model.risk_band(probability),
            "score": features["score"],
            "band": features["band"],
        }
    )
    for i in range(TOP_DRIVERS):
        frame[f"driver_{i + 1}"] = names[:, i]
        frame[f"driver_{i + 1}_contribution"] = values[:, i]
    return frame.sort_values("probability", ascending=False, ignore_index=True)


def _replace(
    workspace: Workspace, table_name: str, frame: pd.DataFrame, name: str, as_of: dt.date
) -> None:
    """Rewrite the predictions table without this model's rows at `as_of`, plus the new ones."""
    new = pa.Table.from_pandas(
        frame[list(SCHEMA.names)], schema=SCHEMA.to_pyarrow(), preserve_index=False
    )
    con = workspace.con
    if table_name in con.list_tables():
        table = con.table(table_name)
        kept = table.filter(~((table.model == name) & (table.as_of == as_of))).to_pyarrow()
        new = pa.concat_tables([kept.cast(new.schema), new])
    con.create_table(table_name, new, overwrite=True)


def backtest_scorecard(
    workspace: Workspace,
    ref: str,
    dates: list[dt.date],
    horizon: int = 90,
    weights: bool = False,
) -> tuple[Backtest, Tuning | None]:
    """How well the composite score ranked the accounts that churned within the horizon;
    with `weights`, also the fitted weights checked on held-out dates (None, with the reason
    in `extra["no_weights"]`, when the dates are too few to split)."""
    card = load_scorecard(ref)
    data = dataset(workspace, card, dates, horizon)
    result = evaluate_scorecard(card, data)
    tuning = None
    if weights:
        try:
            tuning = tune(workspace, ref, dates, horizon, data)
        except PredictionError as exc:
            result.extra["no_weights"] = str(exc)
    return result, tuning


def backtest_model(
    workspace: Workspace, name: str, dates: list[dt.date]
) -> tuple[Backtest, Backtest]:
    """The model and its scorecard on the same rows; warns (in `extra`) about trained dates."""
    model = load_model(workspace, name)
    data = dataset(workspace, model.card, dates, model.horizon, model.target)
    result = replace(evaluate_model(model, data), target=model.target)
    seen = dt.date.fromisoformat(model.metadata["dates"]["calibration"][1])
    overlap = [d for d in dates if d <= seen]
    if overlap:
        result.extra["warning"] = (
            f"{len(overlap)} date(s) are on or before {seen}, the end of the model's "
            "training/calibration dates: those metrics are optimistic."
        )
    return result, replace(evaluate_scorecard(model.card, data), target=model.target)
