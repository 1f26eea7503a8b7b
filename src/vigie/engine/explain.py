"""Why an account's score moved between two stored dates, measure by measure.

A measure's contribution is points x its share of the total weight, and the
contributions add up to the composite; so the change of each contribution
says how many points of the composite that measure moved. A change of
scorecard version between the dates is reported, because then part of the move
comes from new rules, not from the customer. Active overrides are listed too.

Next to the numbers, what a CSM reads before acting: the account's recent texts
with their tone band and churn-intent flags, and for hand-rated measures with a
`suggest:` rule the value the data proposes beside the rating known at D (the
suggestion never enters the score; the CSM confirms it by rating the measure).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from vigie.engine.history import (
    check_account,
    latest_scorecard,
    pick_scorecard,
    stored_snapshots,
)
from vigie.engine.overrides import OVERRIDES
from vigie.engine.scoring import DIMENSIONS, MEASURES, SNAPSHOTS
from vigie.errors import VigieError
from vigie.scorecard import spec
from vigie.scorecard.compile import compile_scores
from vigie.tone.store import recent_texts, tone_band
from vigie.workspace import Workspace

COMPOSITE_COLUMNS = (
    "score",
    "score_scaled",
    "band",
    "coverage",
    "overridden",
    "override_reason",
    "rolled_up",
)


@dataclass(frozen=True)
class Explanation:
    """The composite at both dates and what moved it; `_from` / `_to` suffixes name the date."""

    account_id: str
    scorecard: str
    date_from: dt.date
    date_to: dt.date
    version_from: str
    version_to: str
    composite_from: dict[str, object]
    composite_to: dict[str, object]
    measures: pd.DataFrame
    """dimension, measure, raw/points/weight/contribution _from and _to, change; largest |change| first."""
    dimensions: pd.DataFrame
    """dimension, score/band/weight _from and _to, change."""
    overrides: pd.DataFrame
    """Overrides active at either date, with `active_from` / `active_to` flags."""
    children: pd.DataFrame
    """For a parent rolled up from its children at either date (it then has no measures of
    its own there): each child's score and band _from and _to, change; largest |change| first."""

    @property
    def version_changed(self) -> bool:
        return self.version_from != self.version_to

    @property
    def change(self) -> float | None:
        """Composite change in 0-100 points; None when either date has no score (no data)."""
        start, end = self.composite_from["score"], self.composite_to["score"]
        if start is None or end is None:
            return None
        return float(end) - float(start)

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON (NaN as None)."""

        def records(frame: pd.DataFrame) -> list[dict[str, object]]:
            return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]

        return {
            "account_id": self.account_id,
            "scorecard": self.scorecard,
            "from": {"date": self.date_from, "version": self.version_from, **self.composite_from},
            "to": {"date": self.date_to, "version": self.version_to, **self.composite_to},
            "change": self.change,
            "version_changed": self.version_changed,
            "measures": records(self.measures),
            "dimensions": records(self.dimensions),
            "overrides": records(self.overrides),
            "children": records(self.children),
        }


def explain(
    workspace: Workspace,
    account_id: str,
    date_from: dt.date,
    date_to: dt.date,
    scorecard: str | None = None,
) -> Explanation:
    """Decompose the change of `account_id`'s stored score from `date_from` to `date_to`."""
    check_account(workspace, account_id)
    snapshots = stored_snapshots(workspace)
    mine = snapshots.filter(snapshots.account_id == account_id)
    name = pick_scorecard(mine, scorecard, f"account {account_id!r}")
    mine = mine.filter(mine.scorecard == name).to_pandas()
    mine["as_of"] = pd.to_datetime(mine["as_of"]).dt.date
    by_date = mine.set_index("as_of")
    for day in (date_from, date_to):
        if day not in by_date.index:
            raise VigieError(_not_scored(account_id, name, day, sorted(by_date.index)))
    start, end = by_date.loc[date_from], by_date.loc[date_to]
    dates = [date_from, date_to]
    rolled_up = bool(start.rolled_up) or bool(end.rolled_up)
    return Explanation(
        account_id=account_id,
        scorecard=name,
        date_from=date_from,
        date_to=date_to,
        version_from=str(start.scorecard_version),
        version_to=str(end.scorecard_version),
        composite_from={c: _plain(start[c]) for c in COMPOSITE_COLUMNS},
        composite_to={c: _plain(end[c]) for c in COMPOSITE_COLUMNS},
        measures=_measure_changes(workspace, account_id, name, dates),
        dimensions=_dimension_changes(workspace, account_id, name, dates),
        overrides=_active_overrides(workspace, account_id, name, dates),
        children=children_changes(workspace, account_id, name, dates, rolled_up),
    )


def _not_scored(account_id: str, card: str, day: dt.date, stored: list[dt.date]) -> str:
    nearest = min(stored, key=lambda d: (abs((d - day).days), d))
    return (
        f"Account {account_id!r} has no stored {card!r} score as of {day}. "
        f"Nearest stored date: {nearest} (stored: {len(stored)} dates from {stored[0]} "
        f"to {stored[-1]}). Use a stored date, or run `vigie score --as-of {day}` first."
    )


def _plain(value: object) -> object:
    """numpy scalars and NaN as plain Python values (JSON-friendly)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _two_dates(
    workspace: Workspace, table: str, account_id: str, card: str, dates: list[dt.date]
) -> pd.DataFrame:
    rows = workspace.con.table(table)
    rows = rows.filter(
        rows.account_id == account_id, rows.scorecard == card, rows.as_of.isin(dates)
    ).to_pandas()
    rows["as_of"] = pd.to_datetime(rows["as_of"]).dt.date
    return rows


def _side_by_side(
    frame: pd.DataFrame, keys: list[str], columns: list[str], dates: list[dt.date]
) -> pd.DataFrame:
    """One row per key, `columns` of the first date suffixed _from and of the second _to."""
    if frame.empty:  # (pandas cannot merge two empty Arrow-backed string columns)
        suffixed = [f"{c}_{side}" for side in ("from", "to") for c in columns]
        return pd.DataFrame(columns=[*keys, *suffixed])
    start = frame[frame["as_of"] == dates[0]][keys + columns]
    end = frame[frame["as_of"] == dates[1]][keys + columns]
    return start.merge(end, on=keys, how="outer", suffixes=("_from", "_to"))


def _measure_changes(
    workspace: Workspace, account_id: str, card: str, dates: list[dt.date]
) -> pd.DataFrame:
    rows = _two_dates(workspace, MEASURES, account_id, card, dates)
    rows["raw"] = rows["raw_text"].astype(object).where(rows["raw_text"].notna(), rows["raw_value"])
    wide = _side_by_side(
        rows,
        ["dimension", "measure"],
        ["raw", "points", "weight", "contribution", "missing", "overridden"],
        dates,
    )
    # a measure absent at one date (scorecard changed) contributed nothing there
    change = wide["contribution_to"].fillna(0) - wide["contribution_from"].fillna(0)
    wide = wide.assign(change=change, size=change.abs())
    wide = wide.sort_values(["size", "dimension", "measure"], ascending=[False, True, True])
    return wide.drop(columns="size").reset_index(drop=True)


def _dimension_changes(
    workspace: Workspace, account_id: str, card: str, dates: list[dt.date]
) -> pd.DataFrame:
    rows = _two_dates(workspace, DIMENSIONS, account_id, card, dates)
    wide = _side_by_side(rows, ["dimension"], ["score", "band", "weight"], dates)
    wide = wide.assign(change=wide["score_to"] - wide["score_from"])
    return wide.sort_values("dimension").reset_index(drop=True)


def children_changes(
    workspace: Workspace, account_id: str, card: str, dates: list[dt.date], rolled_up: bool
) -> pd.DataFrame:
    """A rolled-up parent's children at the two dates, largest move first (none otherwise),
    in the scorecard's units like the parent's own score beside them."""
    columns = ["account_id", "score_from", "band_from", "score_to", "band_to", "change"]
    if not rolled_up:
        return pd.DataFrame(columns=columns)
    accounts = workspace.table("accounts")
    children = accounts.filter(accounts.parent_account_id == account_id).account_id
    rows = workspace.con.table(SNAPSHOTS)
    rows = rows.filter(
        rows.account_id.isin(children), rows.scorecard == card, rows.as_of.isin(dates)
    ).to_pandas()
    rows["as_of"] = pd.to_datetime(rows["as_of"]).dt.date
    rows = rows.drop(columns="score").rename(columns={"score_scaled": "score"})
    wide = _side_by_side(rows, ["account_id"], ["score", "band"], dates)
    change = wide["score_to"] - wide["score_from"]
    wide = wide.assign(change=change, size=change.abs())
    wide = wide.sort_values(["size", "account_id"], ascending=[False, True], na_position="last")
    return wide[columns].reset_index(drop=True)


def _active_overrides(
    workspace: Workspace, account_id: str, card: str, dates: list[dt.date]
) -> pd.DataFrame:
    columns = ["target", "value", "reason", "valid_from", "until", "author", "created_at"]
    if OVERRIDES not in workspace.con.list_tables():
        return pd.DataFrame(columns=[*columns, "active_from", "active_to"])
    table = workspace.con.table(OVERRIDES)
    at = [(table.valid_from <= d) & (table.until > d) for d in dates]
    rows = table.filter(table.account_id == account_id, table.scorecard == card, at[0] | at[1])
    rows = rows.select(*columns, active_from=at[0], active_to=at[1])
    frame = rows.order_by("created_at").to_pandas()
    for column in ("valid_from", "until"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


# --- what a CSM reads next to the score -----------------------------------------------------------

SUGGESTION_COLUMNS = ("dimension", "measure", "hand", "source", "source_value", "suggested", "rule")


def texts_at(
    workspace: Workspace, account_id: str, as_of: dt.date, limit: int = 10
) -> list[dict[str, Any]]:
    """The account's newest texts written before `as_of` with their tone `band`, newest first."""
    check_account(workspace, account_id)
    rows = recent_texts(workspace, account_id, as_of, limit)
    return [row | {"band": tone_band(row["tone"]) or "no tone"} for row in rows]


def suggestions(
    workspace: Workspace, card: spec.Scorecard, account_id: str, as_of: dt.date
) -> pd.DataFrame:
    """Measures with `suggest:`: the value known at D (the hand rating) beside the suggested one.

    `hand` and `source_value` are NULL when there is no data (no rating yet, too few texts);
    `suggested` is then NULL too; no rows when the account is not active at D. Computed by
    scoring a probe scorecard (each measure's metric, and its `from` metric graded by the
    suggestion's bands) through the engine, so the same point-in-time rules hold. Nothing
    is written: the CSM confirms by rating the measure.
    """
    check_account(workspace, account_id)
    wanted = [(d, m, measure) for d, m, measure in card.measures() if measure.suggest is not None]
    if not wanted:
        return pd.DataFrame(columns=list(SUGGESTION_COLUMNS))
    probe: dict[str, spec.Measure] = {}
    for i, (_, _, measure) in enumerate(wanted):
        rule = measure.suggest
        probe[f"hand{i}"] = spec.Measure(metric=measure.metric, grade=measure.grade)
        probe[f"from{i}"] = spec.Measure(
            metric=card.metrics[rule.from_], grade=spec.BandsGrade(bands=rule.bands)
        )
    probe_card = card.model_copy(
        update={
            "missing": "renormalize",
            "segments": [],
            "dimensions": {"probe": spec.Dimension(weight=1, measures=probe)},
        }
    )
    wide = compile_scores(workspace, probe_card, [as_of], cache=False).expr
    row = wide.filter(wide.account_id == account_id).to_pyarrow().to_pylist()
    if not row:
        return pd.DataFrame(columns=list(SUGGESTION_COLUMNS))
    values = row[0]
    return pd.DataFrame(
        [
            {
                "dimension": dimension,
                "measure": name,
                "hand": values[f"m{2 * i}_raw"],
                "source": measure.suggest.from_,
                "source_value": values[f"m{2 * i + 1}_raw"],
                "suggested": values[f"m{2 * i + 1}_points"],
                "rule": measure.suggest.rule,
            }
            for i, (dimension, name, measure) in enumerate(wanted)
        ],
        columns=list(SUGGESTION_COLUMNS),
    ).astype({"hand": "float64", "source_value": "float64", "suggested": "float64"})


def scorecard_for_suggestions(workspace: Workspace, ref: str | None) -> spec.Scorecard | None:
    """The scorecard whose `suggest:` rules to show: `ref` (a file or a template), else the
    one scored most recently when it is a bundled template; None when there is none."""
    if ref is not None:
        known = ref in spec.bundled_templates() or Path(ref).is_file()
        return spec.load_scorecard(ref) if known else None
    if SNAPSHOTS not in workspace.con.list_tables():
        return None
    name = latest_scorecard(workspace.con.table(SNAPSHOTS))
    return spec.load_scorecard(name) if name in spec.bundled_templates() else None
