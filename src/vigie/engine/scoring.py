"""Score a scorecard over one or many as-of dates and persist the snapshots idempotently.

All dates of a run are ONE query over the accounts x dates grid (see
`vigie.scorecard.compile`); only its result (one row per account and date)
leaves the backend and is reshaped into three long tables:
`health_snapshots` (composite), `health_dimensions`, `health_measures`.
Re-scoring a date replaces that date's rows for that scorecard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from vigie.engine.rollup import roll_up
from vigie.scorecard import spec
from vigie.scorecard.compile import compile_scores
from vigie.workspace import Workspace

SNAPSHOTS, DIMENSIONS, MEASURES = "health_snapshots", "health_dimensions", "health_measures"
DELTA_DAYS = (7, 30, 90)
_KEY = {
    "account_id": "string",
    "as_of": "date",
    "scorecard": "string",
    "scorecard_version": "string",
}
SCHEMAS = {
    SNAPSHOTS: ibis.schema(
        {
            **_KEY,
            "segment_rule": "string",
            "score": "float64",
            "score_scaled": "float64",
            "band": "string",
            "coverage": "float64",
            **{f"delta_{d}d": "float64" for d in DELTA_DAYS},
            "overridden": "boolean",
            "override_reason": "string",
            "rolled_up": "boolean",
        }
    ),
    DIMENSIONS: ibis.schema(
        {
            **_KEY,
            "dimension": "string",
            "score": "float64",
            "band": "string",
            "coverage": "float64",
            "weight": "float64",
        }
    ),
    MEASURES: ibis.schema(
        {
            **_KEY,
            "dimension": "string",
            "measure": "string",
            "raw_value": "float64",
            "raw_text": "string",
            "points": "float64",
            "weight": "float64",
            "contribution": "float64",
            "missing": "boolean",
            "overridden": "boolean",
        }
    ),
}


@dataclass(frozen=True)
class ScoreResult:
    snapshots: pd.DataFrame
    dimensions: pd.DataFrame
    measures: pd.DataFrame


def score(
    workspace: Workspace,
    card: spec.Scorecard,
    dates: list[dt.date],
    persist: bool = True,
) -> ScoreResult:
    """Scores of every account active at each date; persisted unless `persist` is False."""
    compiled = compile_scores(workspace, card, dates)
    wide = compiled.expr.to_pandas()
    wide["as_of"] = pd.to_datetime(wide["as_of"]).dt.date
    tag = {"scorecard": card.name, "scorecard_version": card.version}
    snapshots = wide[["account_id", "as_of", "segment_rule", "score", "score_scaled", "band"]]
    snapshots = snapshots.assign(
        **tag,
        coverage=wide["coverage"],
        overridden=wide["overridden"].astype(bool),
        override_reason=wide["override_reason"],
        rolled_up=False,
    )
    snapshots = roll_up(snapshots, wide[["account_id", "as_of", "parent_account_id", "arr"]], card)
    rolled = set(snapshots.loc[snapshots["rolled_up"], "account_id"])
    keep = ~wide["account_id"].isin(rolled)
    dimensions = pd.concat(
        [
            pd.DataFrame(
                {
                    "account_id": wide["account_id"],
                    "as_of": wide["as_of"],
                    **tag,
                    "dimension": d,
                    "score": wide[f"d_{d}_score"],
                    "band": wide[f"d_{d}_band"],
                    "coverage": wide[f"d_{d}_coverage"],
                    "weight": wide[f"d_{d}_weight"],
                }
            )[keep]
            for d in compiled.dimensions
        ],
        ignore_index=True,
    )
    measures = pd.concat(
        [
            _measure_rows(wide, slot.index, slot.dimension, slot.name, tag)[keep]
            for slot in compiled.measures
        ],
        ignore_index=True,
    )
    previous = _stored(workspace, SNAPSHOTS, card.name, dates) if persist else None
    snapshots = _with_deltas(snapshots, previous)
    if persist:
        _replace(workspace, SNAPSHOTS, snapshots, card.name, dates, previous)
        _replace(workspace, DIMENSIONS, dimensions, card.name, dates)
        _replace(workspace, MEASURES, measures, card.name, dates)
    return ScoreResult(snapshots, dimensions, measures)


def _measure_rows(wide: pd.DataFrame, i: int, dim: str, name: str, tag: dict) -> pd.DataFrame:
    raw = wide[f"m{i}_raw"]
    if pd.api.types.is_bool_dtype(raw) or pd.api.types.is_numeric_dtype(raw):
        raw_value, raw_text = raw.astype("float64"), pd.Series(None, index=raw.index, dtype="str")
    else:
        raw_value = pd.Series(np.nan, index=raw.index)
        raw_text = raw.astype("str").where(raw.notna(), None)
    return pd.DataFrame(
        {
            "account_id": wide["account_id"],
            "as_of": wide["as_of"],
            **tag,
            "dimension": dim,
            "measure": name,
            "raw_value": raw_value,
            "raw_text": raw_text,
            "points": wide[f"m{i}_points"],
            "weight": wide[f"m{i}_weight"],
            "contribution": wide[f"m{i}_contribution"],
            "missing": ~wide[f"m{i}_has_data"].astype(bool),
            "overridden": wide[f"m{i}_overridden"].astype(bool),
        }
    )


def _stored(
    workspace: Workspace, name: str, card: str, dates: list[dt.date]
) -> pd.DataFrame | None:
    """Stored rows of other scorecards and other dates (what a re-run keeps)."""
    if name not in workspace.con.list_tables():
        return None
    table = workspace.con.table(name)
    kept = table.filter(~((table.scorecard == card) & table.as_of.isin(dates)))
    frame = kept.to_pandas()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame


def _with_deltas(snapshots: pd.DataFrame, stored: pd.DataFrame | None) -> pd.DataFrame:
    """delta_Nd = score now - score N days earlier (same run or stored history), else NULL."""
    history = snapshots[["account_id", "as_of", "score"]]
    if stored is not None and len(stored):
        mine = (
            stored[stored["scorecard"] == snapshots["scorecard"].iloc[0]]
            if len(snapshots)
            else stored
        )
        history = pd.concat([history, mine[["account_id", "as_of", "score"]]], ignore_index=True)
    out = snapshots
    for days in DELTA_DAYS:
        earlier = history.assign(as_of=history["as_of"] + dt.timedelta(days=days))
        earlier = earlier.rename(columns={"score": "earlier"})
        merged = out[["account_id", "as_of"]].merge(earlier, on=["account_id", "as_of"], how="left")
        out = out.assign(
            **{f"delta_{days}d": (out["score"].to_numpy() - merged["earlier"].to_numpy())}
        )
    return out


def _replace(
    workspace: Workspace,
    name: str,
    new: pd.DataFrame,
    card: str,
    dates: list[dt.date],
    stored: pd.DataFrame | None = None,
) -> None:
    """Rewrite `name` with the rows of this scorecard and these dates replaced by `new`."""
    if stored is None:
        stored = _stored(workspace, name, card, dates)
    schema = SCHEMAS[name]
    frames = [new] if stored is None or not len(stored) else [stored, new]
    combined = pd.concat([f[list(schema.names)] for f in frames], ignore_index=True)
    arrow = pa.Table.from_pandas(combined, schema=schema.to_pyarrow(), preserve_index=False)
    workspace.con.create_table(name, arrow, overwrite=True)
