"""Parent roll-up: a parent account's score is the ARR-weighted mean of its children's scores.

Children are the accounts whose `parent_account_id` is the parent, weighted by
their ARR at D (a plain mean when none has ARR). The parent's row is flagged
`rolled_up` and replaces any score of its own at that date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vigie.scorecard import spec


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


def roll_up(snapshots: pd.DataFrame, info: pd.DataFrame, card: spec.Scorecard) -> pd.DataFrame:
    """`snapshots` with one rolled-up row per parent and date that has scored children."""
    children = info[info["parent_account_id"].notna()].merge(
        snapshots[["account_id", "as_of", "score"]], on=["account_id", "as_of"]
    )
    children = children[children["score"].notna()]
    if children.empty:
        return snapshots
    arr = children["arr"].fillna(0.0)
    children = children.assign(w=arr, ws=arr * children["score"], one=1.0)
    sums = children.groupby(["parent_account_id", "as_of"], as_index=False)[
        ["w", "ws", "score", "one"]
    ].sum()
    weighted = sums["ws"] / sums["w"].where(sums["w"] > 0)
    plain = sums["score"] / sums["one"]
    parents = pd.DataFrame(
        {
            "account_id": sums["parent_account_id"],
            "as_of": sums["as_of"],
            "score": weighted.fillna(plain),
        }
    )
    own = snapshots.set_index(["account_id", "as_of"])
    index = pd.MultiIndex.from_frame(parents[["account_id", "as_of"]])
    scaled = parents["score"] * (card.scale / 100.0)
    parents = parents.assign(
        segment_rule=own["segment_rule"].reindex(index).to_numpy(),
        score_scaled=scaled,
        band=band_name(card.bands, scaled),
        scorecard=card.name,
        scorecard_version=card.version,
        coverage=np.nan,
        overridden=False,
        override_reason=None,
        rolled_up=True,
    )
    replaced = own.index.isin(index)
    return pd.concat([snapshots[~replaced], parents[snapshots.columns]], ignore_index=True)
