"""Weights that would have predicted churn better, checked on dates the fit never saw.

The fit is a ridge regression with non-negative coefficients (scikit-learn)
of "did not churn within the horizon" on the measures' points, over the
earlier dates. Its coefficients become measure weights rescaled so the
dimension weights sum to the scorecard's current total. The re-weighted
scorecard is then scored by the engine on the later, held-out dates (a gap of
at least the horizon after the fit's last date), so "AUC would be X instead
of Y" compares two real scorecards on the same rows.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd
from ruamel.yaml import YAML
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from vigie.engine.scoring import score
from vigie.errors import PredictionError
from vigie.predict.backtest import Backtest
from vigie.predict.features import KEYS
from vigie.predict.train import dataset, evaluate_scorecard, split_dates
from vigie.scorecard import spec
from vigie.scorecard.spec import load_scorecard, scorecard_text
from vigie.workspace import Workspace

FLOOR_SHARE = 0.01
"""A measure the fit gives no weight keeps 1 % of the total: weights must stay > 0 to be valid."""
ALPHA = 1.0


@dataclass(frozen=True)
class Tuning:
    weights: pd.DataFrame
    """Per measure: dimension, measure, current and fitted share of the score (sum to 1)."""
    fit_dates: list[dt.date]
    test_dates: list[dt.date]
    current: Backtest
    fitted: Backtest
    yaml_text: str
    """The re-weighted scorecard, validated, ready to write."""

    @property
    def sentence(self) -> str:
        return (
            f"With these weights the AUC on {len(self.test_dates)} held-out dates "
            f"({min(self.test_dates)} to {max(self.test_dates)}) would be "
            f"{self.fitted.roc_auc:.3f} instead of {self.current.roc_auc:.3f}, and the "
            f"top-decile lift {self.fitted.top_decile_lift:.2f} instead of "
            f"{self.current.top_decile_lift:.2f}."
        )


def tune(
    workspace: Workspace,
    ref: str,
    dates: list[dt.date],
    horizon: int = 90,
    data: pd.DataFrame | None = None,
) -> Tuning:
    """Fit weights on the earlier dates and compare both scorecards on the held-out ones.

    `data` is the scorecard's `dataset` over `dates` when the caller already has it.
    """
    text = scorecard_text(ref)
    card = load_scorecard(text)
    split = split_dates(dates, horizon)
    fit_dates = split.train + split.calibration
    if data is None:
        data = dataset(workspace, card, dates, horizon)
    slots = [(d, m) for d, m, _ in card.measures()]
    columns = [f"points:{d}.{m}" for d, m in slots]
    fit_rows = data[data["as_of"].isin(fit_dates)]
    if fit_rows["label"].nunique() < 2:
        raise PredictionError("The fit dates have no churn (or only churn): widen the dates.")
    model = make_pipeline(
        SimpleImputer(strategy="mean", keep_empty_features=True),
        Ridge(alpha=ALPHA, positive=True),
    )
    model.fit(fit_rows.reindex(columns=columns) / 100.0, ~fit_rows["label"].astype(bool))
    coefficients = model[-1].coef_
    if coefficients.sum() <= 0:
        raise PredictionError("No measure's points relate to churn on these dates: nothing to fit.")
    shares = coefficients / coefficients.sum()
    shares = (shares + FLOOR_SHARE * (shares == 0)) / (shares + FLOOR_SHARE * (shares == 0)).sum()
    weights = pd.DataFrame(
        {
            "dimension": [d for d, _ in slots],
            "measure": [m for _, m in slots],
            "current": _current_shares(card, slots),
            "fitted": shares,
        }
    )
    new_text = reweighted_yaml(text, card, weights)
    new_card = load_scorecard(new_text)
    test_rows = data[data["as_of"].isin(split.test)]
    rescored = score(workspace, new_card, split.test, persist=False).snapshots
    refit = test_rows.drop(columns=["score", "band"]).merge(
        rescored[[*KEYS, "score", "band"]], on=KEYS, how="inner"
    )
    return Tuning(
        weights=weights,
        fit_dates=fit_dates,
        test_dates=split.test,
        current=evaluate_scorecard(card, test_rows),
        fitted=evaluate_scorecard(new_card, refit),
        yaml_text=new_text,
    )


def _current_shares(card: spec.Scorecard, slots: list[tuple[str, str]]) -> list[float]:
    """Each measure's share of the composite when every measure has data (base weights)."""
    total = sum(d.weight for d in card.dimensions.values())
    shares = []
    for d, m in slots:
        dim = card.dimensions[d]
        in_dim = sum(x.weight for x in dim.measures.values())
        shares.append(dim.weight / total * dim.measures[m].weight / in_dim)
    return shares


def reweighted_yaml(text: str, card: spec.Scorecard, weights: pd.DataFrame) -> str:
    """The scorecard's YAML (comments kept) with fitted weights; segment weight overrides go,
    since they were tuned for the old weights (segment bands and grades stay)."""
    yaml = YAML(typ="rt")
    yaml.width = 4096  # keep flow mappings on one line, as written
    yaml.indent(mapping=2, sequence=4, offset=2)
    tree = yaml.load(text)
    total = sum(d.weight for d in card.dimensions.values())
    for dim_name, rows in weights.groupby("dimension", sort=False):
        node = tree["dimensions"][dim_name]
        node["weight"] = round(float(rows["fitted"].sum() * total), 2)
        for row in rows.itertuples():
            node["measures"][row.measure]["weight"] = round(float(row.fitted * total), 2)
    for segment in tree.get("segments") or []:
        segment.pop("weights", None)
    tree.yaml_set_start_comment(
        f"Weights fitted by `vigie scorecard tune` on {dt.date.today()} (non-negative ridge "
        "on measure points vs churn);\nsegment weight overrides removed."
    )
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue()
