"""Features of each active account as of D, all taken from the engine (point-in-time by construction).

Every value is something Vigie itself computes as of D: the scorecard's
measure raw values and points, dimension and composite scores (scored with
`persist=False`, so nothing stored is read or changed), their changes over
7, 28 and 91 days, the account's state at D from dated subscriptions (ARR,
tenure, days to renewal), its segment, and recent signal flags when a `signals`
table exists. No feature can read a fact dated on or after D, because the
engine cannot.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from vigie.engine.scoring import score
from vigie.engine.state import account_state, dates_table
from vigie.scorecard import spec
from vigie.workspace import Workspace

KEYS = ["account_id", "as_of"]
LAGS = (7, 28, 91)
"""Days back for score changes: direction matters more than level."""
SIGNAL_DAYS = 28
"""A signal counts as a feature for this many days after its as-of date."""
CATEGORICAL = ["segment"]
LABELS = ["band", "label", "churn_date"]
"""Columns a dataset carries that are not features (the score's band, the outcome)."""


def build_features(
    workspace: Workspace, card: spec.Scorecard, dates: list[dt.date], horizon: int
) -> pd.DataFrame:
    """One row per account active at each date: KEYS, `segment`, `band`, numeric features."""
    dates = sorted(set(dates))
    lagged = {d - dt.timedelta(days=lag) for d in dates for lag in LAGS}
    scored = score(workspace, card, sorted(set(dates) | lagged), persist=False)
    levels = _levels(scored.snapshots, scored.dimensions)
    wanted = pd.DataFrame({"as_of": dates})
    frame = levels.merge(wanted, on="as_of")
    for lag in LAGS:
        earlier = levels.assign(as_of=levels["as_of"] + dt.timedelta(days=lag))
        merged = frame[KEYS].merge(earlier, on=KEYS, how="left")
        for column in [c for c in levels.columns if c.startswith(("score", "dim:"))]:
            frame[f"{column} change {lag}d"] = frame[column].to_numpy() - merged[column].to_numpy()
    frame = frame.merge(_measures(scored.measures, dates), on=KEYS, how="left")
    frame = frame.merge(_state(workspace, dates, horizon), on=KEYS, how="inner")
    signals = _signals(workspace, dates)
    if signals is not None:
        frame = frame.merge(signals, on=KEYS, how="left")
        flags = [c for c in signals.columns if c.startswith("signal:")]
        frame[flags] = frame[flags].fillna(0.0)
    return frame.sort_values(KEYS, ignore_index=True)


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """The numeric feature columns of a features frame (everything but keys and categories)."""
    return [c for c in frame.columns if c not in (*KEYS, *CATEGORICAL, *LABELS)]


def _levels(snapshots: pd.DataFrame, dimensions: pd.DataFrame) -> pd.DataFrame:
    base = snapshots[[*KEYS, "score", "coverage", "band"]]
    dims = dimensions.pivot_table(index=KEYS, columns="dimension", values="score", dropna=False)
    dims.columns = [f"dim:{d}" for d in dims.columns]
    return base.merge(dims.reset_index(), on=KEYS, how="left")


def _measures(measures: pd.DataFrame, dates: list[dt.date]) -> pd.DataFrame:
    """Points and numeric raw values of every measure, one column each (NaN = no data)."""
    rows = measures[measures["as_of"].isin(dates)]
    rows = rows.assign(name=rows["dimension"] + "." + rows["measure"])
    points = rows.pivot_table(index=KEYS, columns="name", values="points", dropna=False)
    raw = rows.pivot_table(index=KEYS, columns="name", values="raw_value", dropna=False)
    points.columns = [f"points:{c}" for c in points.columns]
    raw.columns = [f"raw:{c}" for c in raw.columns]
    raw = raw.loc[:, raw.notna().any()]  # text-valued measures have no numeric raw value
    return points.join(raw).reset_index()


def _state(workspace: Workspace, dates: list[dt.date], horizon: int) -> pd.DataFrame:
    state = account_state(workspace, dates_table(dates))
    state = state.filter(state.active).select(
        "account_id", "as_of", "segment", "arr", "tenure_days", "days_to_renewal"
    )
    frame = state.to_pandas()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    frame["segment"] = frame["segment"].fillna("(none)").astype(object)
    frame["log_arr"] = np.log1p(frame.pop("arr").astype(float))
    renewal = frame["days_to_renewal"].astype(float)
    frame["days_to_renewal"] = renewal
    frame["tenure_days"] = frame["tenure_days"].astype(float)
    frame["renewal_within_horizon"] = (renewal <= horizon).astype(float)
    return frame


def _signals(workspace: Workspace, dates: list[dt.date]) -> pd.DataFrame | None:
    """Per signal kind, 1 if it fired in the SIGNAL_DAYS up to D, else 0 (if a signals table exists).

    A flag rather than a count: how often a signal is stored depends on how often
    signals were computed, not on the account."""
    if "signals" not in workspace.con.list_tables():
        return None
    signals = workspace.con.table("signals")
    if not {"account_id", "as_of", "kind"} <= set(signals.columns):
        return None
    grid = dates_table(dates).rename(day="as_of")
    recent = signals.join(
        grid,
        [signals.as_of <= grid.day, signals.as_of > grid.day - dt.timedelta(days=SIGNAL_DAYS)],
    )
    counts = recent.group_by(recent.account_id, recent.day, recent.kind).agg(n=recent.count())
    frame = counts.to_pandas()
    if frame.empty:
        return None
    frame["as_of"] = pd.to_datetime(frame.pop("day")).dt.date
    wide = frame.pivot_table(index=KEYS, columns="kind", values="n", aggfunc="sum")
    wide.columns = [f"signal:{k}" for k in wide.columns]
    return (wide > 0).astype(float).reset_index()
