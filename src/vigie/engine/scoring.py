"""Score a scorecard over one or many as-of dates and persist the snapshots idempotently.

All dates of a run are ONE query over the accounts x dates grid (see
`vigie.scorecard.compile`); only its result (one row per account and date)
leaves the backend and is reshaped into three long tables:
`health_snapshots` (composite), `health_dimensions`, `health_measures`.
Re-scoring a date replaces that date's rows for that scorecard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vigie.engine.rollup import roll_up
from vigie.io.replace import replace_dated_rows
from vigie.scorecard import spec
from vigie.scorecard.compile import DIGITS, MeasureSlot, compile_scores
from vigie.workspace import Workspace

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
    """A run's rows: snapshots as a DataFrame; the long per-dimension and per-measure
    tables as Arrow (stored as they are; `dimensions` / `measures` convert on demand)."""

    snapshots: pd.DataFrame
    dimension_rows: pa.Table
    measure_rows: pa.Table

    @property
    def dimensions(self) -> pd.DataFrame:
        return self.dimension_rows.to_pandas()

    @property
    def measures(self) -> pd.DataFrame:
        return self.measure_rows.to_pandas()


def score(
    workspace: Workspace,
    card: spec.Scorecard,
    dates: list[dt.date],
    persist: bool = True,
) -> ScoreResult:
    """Scores of every account active at each date; persisted unless `persist` is False.

    The wide result stays in Arrow: the long tables are slices of its columns
    (no copy of the keys), and only the snapshots become a DataFrame.
    """
    compiled = compile_scores(workspace, card, dates)
    wide = compiled.expr.to_pyarrow()
    tag = {"scorecard": card.name, "scorecard_version": card.version}
    shown = ["account_id", "as_of", "segment_rule", "score", "score_scaled", "band", "coverage"]
    snapshots = wide.select([*shown, "overridden", "override_reason"]).to_pandas()
    snapshots = snapshots.assign(**tag, rolled_up=False)
    info = wide.select(["account_id", "as_of", "parent_account_id", "arr"]).to_pandas()
    snapshots = roll_up(snapshots, info, card)
    rolled = snapshots.loc[snapshots["rolled_up"], ["account_id", "as_of"]]
    if len(rolled):  # at those dates a parent's own measures gave way to its children's roll-up
        keys = pd.MultiIndex.from_frame(info[["account_id", "as_of"]])
        wide = wide.filter(pa.array(~keys.isin(pd.MultiIndex.from_frame(rolled))))
    rows = _Rows(wide, tag)
    dimensions = pa.concat_tables([rows.dimension(d) for d in compiled.dimensions])
    measures = pa.concat_tables([rows.measure(slot) for slot in compiled.measures])
    earlier = _earlier_scores(workspace, card.name, dates) if persist else None
    snapshots = _with_deltas(snapshots, earlier)
    if persist:
        persist_scores(
            workspace,
            card.name,
            dates,
            {SNAPSHOTS: _snapshot_rows(snapshots), DIMENSIONS: dimensions, MEASURES: measures},
        )
        _refresh_later_deltas(workspace, card.name, dates)
    return ScoreResult(snapshots, dimensions, measures)


_NUMBERS = (pa.types.is_boolean, pa.types.is_integer, pa.types.is_floating, pa.types.is_decimal)
"""Raw values of these types are stored as `raw_value` (a number), any other as `raw_text`."""


@dataclass(frozen=True)
class _Rows:
    """The long tables' rows for one dimension or measure, from the wide result's columns."""

    wide: pa.Table
    tag: dict[str, str]
    constants: dict[str | None, pa.Array] = field(default_factory=dict)
    """Text -> a column of it: the scorecard's name and version repeat in every table."""

    def _table(self, name: str, columns: dict[str, pa.Array | str | None]) -> pa.Table:
        keys = {"account_id": self.wide["account_id"], "as_of": self.wide["as_of"]}
        schema = SCHEMAS[name].to_pyarrow()
        arrays = {**keys, **self.tag, **columns}
        return pa.table(
            [
                value if isinstance(value, pa.ChunkedArray | pa.Array) else self._constant(value)
                for value in (arrays[c] for c in schema.names)
            ],
            names=schema.names,
        ).cast(schema)

    def _constant(self, text: str | None) -> pa.Array:
        if text not in self.constants:
            self.constants[text] = _repeated(text, self.wide.num_rows)
        return self.constants[text]

    def dimension(self, d: str) -> pa.Table:
        return self._table(
            DIMENSIONS,
            {
                "dimension": d,
                "score": self.wide[f"d_{d}_score"],
                "band": self.wide[f"d_{d}_band"],
                "coverage": self.wide[f"d_{d}_coverage"],
                "weight": self.wide[f"d_{d}_weight"],
            },
        )

    def measure(self, slot: MeasureSlot) -> pa.Table:
        i = slot.index
        raw = self.wide[f"m{i}_raw"]
        if any(is_kind(raw.type) for is_kind in _NUMBERS):
            raw_value, raw_text = raw.cast(pa.float64()), None
        else:
            raw_value, raw_text = None, raw.cast(pa.string())
        return self._table(
            MEASURES,
            {
                "dimension": slot.dimension,
                "measure": slot.name,
                "raw_value": raw_value,
                "raw_text": raw_text,
                "points": self.wide[f"m{i}_points"],
                "weight": self.wide[f"m{i}_weight"],
                "contribution": self.wide[f"m{i}_contribution"],
                "missing": pc.invert(self.wide[f"m{i}_has_data"]),
                "overridden": self.wide[f"m{i}_overridden"],
            },
        )


def _repeated(text: str | None, n: int) -> pa.Array:
    """A string column of one value: a one-entry dictionary cast to strings (pa.repeat of a
    string is ~8x slower, and a run repeats 4 per measure and per dimension)."""
    if text is None:
        return pa.nulls(n, pa.string())
    indices = pa.array(np.zeros(n, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array([text])).cast(pa.string())


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
    """delta_Nd = score now - the latest score dated in [D - N - tolerance, D - N], else NULL,
    rounded like the scores so that no float noise reaches a CSV.

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
        delta = out["score"].to_numpy() - found["score"].to_numpy()  # 13.309523809999998
        out = out.assign(**{f"delta_{days}d": delta.round(DIGITS)})
    return out


def _refresh_later_deltas(workspace: Workspace, card: str, dates: list[dt.date]) -> None:
    """Compute again the deltas of stored scores that can read this run's dates: scoring
    an earlier date after a later one would otherwise leave the later one's deltas stale."""
    table = workspace.con.table(SNAPSHOTS)
    reach = dt.timedelta(days=max(DELTA_DAYS) + DELTA_TOLERANCE_DAYS)
    later = table.filter(
        table.scorecard == card,
        table.as_of > min(dates),
        table.as_of <= max(dates) + reach,
        ~table.as_of.isin(sorted(set(dates))),
    ).to_pandas()
    if later.empty:
        return
    later["as_of"] = pd.to_datetime(later["as_of"]).dt.date
    days = sorted(set(later["as_of"]))
    refreshed = _with_deltas(later, _earlier_scores(workspace, card, days))
    replace_dated_rows(workspace.con, {SNAPSHOTS: _snapshot_rows(refreshed)}, days, scorecard=card)


def _snapshot_rows(snapshots: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(
        snapshots[list(SCHEMAS[SNAPSHOTS].names)],
        schema=SCHEMAS[SNAPSHOTS].to_pyarrow(),
        preserve_index=False,
    )


def _any_score_before(days: np.ndarray, scored: np.ndarray) -> bool:
    """True when some day of `scored` (sorted) lies in [d - tolerance, d] for a d of `days`."""
    latest = np.searchsorted(scored, days, side="right") - 1
    found = latest >= 0
    return bool((scored[latest[found]] >= days[found] - DELTA_TOLERANCE_DAYS).any())


def _day_number(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01: integer keys for an as-of join, whatever the datetime unit.

    Converted per distinct date: a run has few, and converting each of its rows' Python
    dates was a tenth of a one-date run at 100k accounts.
    """
    codes, distinct = pd.factorize(dates)
    days = np.array(list(distinct), dtype="datetime64[D]").astype(np.int64)
    return days[codes]


def persist_scores(
    workspace: Workspace, card: str, dates: list[dt.date], arrows: dict[str, pa.Table]
) -> None:
    """Replace the rows of scorecard `card` at `dates` in the three health tables
    (one transaction on DuckDB, see `replace_dated_rows`)."""
    for name in arrows:
        if name not in workspace.con.list_tables():
            workspace.con.create_table(name, schema=SCHEMAS[name])
    replace_dated_rows(workspace.con, arrows, dates, scorecard=card)
