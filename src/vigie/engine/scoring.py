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
from typing import TYPE_CHECKING

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from vigie.engine.rollup import roll_up
from vigie.scorecard import spec
from vigie.scorecard.compile import compile_scores
from vigie.workspace import Workspace

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection

SNAPSHOTS, DIMENSIONS, MEASURES = "health_snapshots", "health_dimensions", "health_measures"
DELTA_DAYS = (7, 30, 90)
DELTA_TOLERANCE_DAYS = 6
"""A weekly history has no score exactly 30 or 90 days back: the latest in the 6 days before counts."""
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
    earlier = _earlier_scores(workspace, card.name, dates) if persist else None
    snapshots = _with_deltas(snapshots, earlier)
    if persist:
        persist_scores(
            workspace,
            card.name,
            dates,
            {SNAPSHOTS: snapshots, DIMENSIONS: dimensions, MEASURES: measures},
        )
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


def _earlier_scores(workspace: Workspace, card: str, dates: list[dt.date]) -> pd.DataFrame | None:
    """Stored scores of this scorecard in the ranges the deltas read (never the whole history).

    The run's own dates are left out: their stored rows are about to be replaced.
    """
    if SNAPSHOTS not in workspace.con.list_tables():
        return None
    first = min(dates) - dt.timedelta(days=max(DELTA_DAYS) + DELTA_TOLERANCE_DAYS)
    table = workspace.con.table(SNAPSHOTS)
    rows = table.filter(
        table.scorecard == card,
        table.as_of >= first,
        table.as_of < max(dates),
        ~table.as_of.isin(sorted(set(dates))),
    )
    frame = rows.select("account_id", "as_of", "score").to_pandas()
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame


def _with_deltas(snapshots: pd.DataFrame, stored: pd.DataFrame | None) -> pd.DataFrame:
    """delta_Nd = score now - the latest score dated in [D - N - tolerance, D - N], else NULL.

    The latest such score comes from the same run or from stored history.
    """
    history = snapshots[["account_id", "as_of", "score"]]
    if stored is not None and len(stored):
        history = pd.concat([history, stored[["account_id", "as_of", "score"]]], ignore_index=True)
    history = history.assign(at=_day_number(history["as_of"])).sort_values("at")
    rows = snapshots[["account_id"]].assign(
        at=_day_number(snapshots["as_of"]), row=np.arange(len(snapshots))
    )
    out = snapshots
    scored = np.unique(history["at"])
    for days in DELTA_DAYS:
        if not _any_score_before(np.unique(rows["at"]) - days, scored):
            out = out.assign(**{f"delta_{days}d": np.nan})  # e.g. one date, no history
            continue
        wanted = rows.assign(at=rows["at"] - days).sort_values("at")
        found = pd.merge_asof(
            wanted,
            history[["account_id", "at", "score"]],
            on="at",
            by="account_id",
            direction="backward",
            tolerance=DELTA_TOLERANCE_DAYS,
        ).sort_values("row")
        out = out.assign(**{f"delta_{days}d": out["score"].to_numpy() - found["score"].to_numpy()})
    return out


def _any_score_before(days: np.ndarray, scored: np.ndarray) -> bool:
    """True when some day of `scored` (sorted) lies in [d - tolerance, d] for a d of `days`."""
    latest = np.searchsorted(scored, days, side="right") - 1
    found = latest >= 0
    return bool((scored[latest[found]] >= days[found] - DELTA_TOLERANCE_DAYS).any())


def _day_number(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01: integer keys for an as-of join, whatever the datetime unit."""
    return np.array(dates.tolist(), dtype="datetime64[D]").astype(np.int64)


def persist_scores(
    workspace: Workspace, card: str, dates: list[dt.date], frames: dict[str, pd.DataFrame]
) -> None:
    """Replace the rows of scorecard `card` at `dates` in the three health tables.

    On DuckDB this is one transaction (all three tables change, or none) whose
    cost is proportional to the run: a DELETE of the replaced rows and an
    INSERT of the new ones. Other backends take the Ibis path (`_rewrite`).
    """
    arrows = {
        name: pa.Table.from_pandas(
            frame[list(SCHEMAS[name].names)],
            schema=SCHEMAS[name].to_pyarrow(),
            preserve_index=False,
        )
        for name, frame in frames.items()
    }
    for name in arrows:
        if name not in workspace.con.list_tables():
            workspace.con.create_table(name, schema=SCHEMAS[name])
    if workspace.con.name == "duckdb":
        _replace_in_transaction(workspace.con.con, card, dates, arrows)
    else:
        for name, arrow in arrows.items():
            _rewrite(workspace, name, arrow, card, dates)


def _replace_in_transaction(
    raw: DuckDBPyConnection, card: str, dates: list[dt.date], arrows: dict[str, pa.Table]
) -> None:
    """DELETE + INSERT into every table inside one DuckDB transaction; any error rolls back."""
    raw.begin()
    try:
        for name, arrow in arrows.items():
            raw.execute(
                f'DELETE FROM "{name}" WHERE scorecard = ? AND list_contains(?::DATE[], as_of)',
                [card, sorted(set(dates))],
            )
            _insert(raw, name, arrow)
    except BaseException:
        raw.rollback()
        raise
    raw.commit()


def _insert(raw: DuckDBPyConnection, name: str, arrow: pa.Table) -> None:
    """Append an Arrow table to `name` through a view registered on the raw DuckDB connection."""
    view = f"_vigie_new_{name}"
    columns = ", ".join(f'"{c}"' for c in arrow.column_names)
    raw.register(view, arrow)
    try:
        raw.execute(f'INSERT INTO "{name}" ({columns}) SELECT {columns} FROM "{view}"')
    finally:
        raw.unregister(view)


def _rewrite(
    workspace: Workspace, name: str, new: pa.Table, card: str, dates: list[dt.date]
) -> None:
    """Backends without DELETE through Ibis (Spark has no transactions): rewrite the table.

    The kept rows are materialised first because Spark cannot overwrite a
    table it is reading. This costs O(stored history) and is not atomic across
    the three tables; re-running the same command repairs an interrupted run.
    """
    con = workspace.con
    table = con.table(name)
    kept = table.filter(~((table.scorecard == card) & table.as_of.isin(dates))).to_pyarrow()
    combined = pa.concat_tables([kept.cast(new.schema), new])
    if con.name != "pyspark":
        con.create_table(name, combined, overwrite=True)
        return
    # Not an Ibis memtable: on PySpark it goes through pandas, where pandas 3 turns a
    # NULL string into the text 'NaN'. Spark 4 builds a DataFrame from Arrow directly.
    view = f"_vigie_rewrite_{name}"
    con._session.createDataFrame(combined).createOrReplaceTempView(view)
    try:
        con.create_table(name, con.table(view), overwrite=True)
    finally:
        con._session.catalog.dropTempView(view)
