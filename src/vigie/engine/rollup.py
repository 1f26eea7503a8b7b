"""Parent roll-up: a parent account's score is the ARR-weighted mean of its children's scores.

Children are the accounts whose `parent_account_id` is the parent, weighted by
their ARR at D (a plain mean when none has ARR). The parent's row is flagged
`rolled_up` and replaces any score of its own at that date, unless the parent's
overall score is overridden then.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vigie.scorecard import spec
from vigie.scorecard.compile import DIGITS


def band_name(bands: list[spec.Band], scaled: pd.Series) -> pd.Series:
    """Bands high to low: `min` inclusive, `above` exclusive, the last catches the rest."""
    conditions = [
        (scaled >= b.min) if b.min is not None else (scaled > b.above) for b in bands[:-1]
    ]
    if conditions:
        names = np.select(conditions, [b.name for b in bands[:-1]], default=bands[-1].name)
    else:  # a single band: np.select refuses an empty condition list
        names = np.full(len(scaled), bands[-1].name, dtype=object)
    return pd.Series(names, index=scaled.index, dtype="object").where(scaled.notna(), None)


MAX_LEVELS = 10
"""Hierarchy depth rolled up (a parent link cycle stops there instead of looping)."""


def roll_up(snapshots: pd.DataFrame, info: pd.DataFrame, card: spec.Scorecard) -> pd.DataFrame:
    """`snapshots` with one rolled-up row per parent and date that has scored children.

    Level by level: a grandparent rolls up its children's rolled-up scores, not the scores
    they have of their own, weighted by the ARR under each child (its own plus its
    children's: a holding company without a contract of its own weighs what its
    subsidiaries pay). The coverage is the children's, weighted the same way. A parent
    whose own score is overridden at D keeps it: the override is the CSM's word on the
    whole account.
    """
    if info["parent_account_id"].isna().all():  # no hierarchy: nothing to index
        return snapshots
    keys = ["account_id", "as_of"]
    own_arr = info.set_index(keys)["arr"].fillna(0.0)
    own = pd.MultiIndex.from_frame(snapshots[keys])
    current, weights, previous = snapshots, info, None
    for _ in range(MAX_LEVELS):
        parents, under = _parents(current, snapshots, weights, card)
        if parents.empty or (previous is not None and parents.equals(previous)):
            break
        previous = parents
        replaced = own.isin(pd.MultiIndex.from_frame(parents[keys]))
        current = pd.concat([snapshots[~replaced], parents[snapshots.columns]], ignore_index=True)
        total = own_arr.add(under, fill_value=0.0).reindex(own_arr.index)
        weights = info.assign(arr=total.to_numpy())
    return current


def _parents(
    current: pd.DataFrame, snapshots: pd.DataFrame, info: pd.DataFrame, card: spec.Scorecard
) -> tuple[pd.DataFrame, pd.Series]:
    """The rolled-up rows of the parents whose children are scored in `current`, and the
    ARR of those children per parent and date."""
    children = info[info["parent_account_id"].notna()].merge(
        current[["account_id", "as_of", "score", "coverage"]], on=["account_id", "as_of"]
    )
    children = children[children["score"].notna()]
    if children.empty:
        return snapshots.iloc[:0], pd.Series()
    arr = children["arr"].fillna(0.0)
    children = children.assign(
        w=arr, ws=arr * children["score"], wc=arr * children["coverage"], one=1.0
    )
    sums = children.groupby(["parent_account_id", "as_of"], as_index=False)[
        ["w", "ws", "wc", "score", "coverage", "one"]
    ].sum()
    under = sums.set_index(["parent_account_id", "as_of"])["w"].rename_axis(["account_id", "as_of"])
    by_arr = sums["w"].where(sums["w"] > 0)
    parents = pd.DataFrame(
        {
            "account_id": sums["parent_account_id"],
            "as_of": sums["as_of"],
            "score": (sums["ws"] / by_arr).fillna(sums["score"] / sums["one"]).round(DIGITS),
            "coverage": (sums["wc"] / by_arr).fillna(sums["coverage"] / sums["one"]).round(DIGITS),
        }
    )
    own = snapshots.set_index(["account_id", "as_of"])
    index = pd.MultiIndex.from_frame(parents[["account_id", "as_of"]])
    kept = own["overridden"].reindex(index).fillna(False).astype(bool).to_numpy()
    parents, index = parents[~kept], index[~kept]
    segment = pd.Series(own["segment_rule"].reindex(index).to_numpy(), index=parents.index)
    scaled = (parents["score"] * card.scale / 100.0).round(DIGITS)
    band = pd.Series(None, index=parents.index, dtype=object)
    for name in [None, *(s.name for s in card.segments)]:
        rows = segment.isna() if name is None else segment == name
        band[rows] = band_name(card.bands_of(name), scaled[rows])
    parents = parents.assign(
        segment_rule=segment,
        score_scaled=scaled,
        band=band,
        scorecard=card.name,
        scorecard_version=card.version,
        overridden=False,
        override_reason=None,
        rolled_up=True,
    )
    return parents[snapshots.columns].reset_index(drop=True), under
