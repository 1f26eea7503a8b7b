"""Rolled-up parents get their band from the composite like any account, whatever the band count."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vigie.engine.rollup import band_name, roll_up
from vigie.scorecard.spec import Band, load_scorecard


def test_bands_high_to_low_with_inclusive_min_and_exclusive_above() -> None:
    bands = [Band(name="green", min=70), Band(name="yellow", above=40), Band(name="red", min=0)]
    scores = pd.Series([70.0, 69.9, 40.0, 40.1, None])
    assert band_name(bands, scores).tolist() == ["green", "yellow", "red", "yellow", None]


def test_a_single_band_scorecard_names_every_scored_parent() -> None:
    scores = pd.Series([12.0, None, 95.0])
    assert band_name([Band(name="tracked", min=0)], scores).tolist() == ["tracked", None, "tracked"]


def test_a_grandparent_rolls_up_its_children_s_rolled_up_scores() -> None:
    """P4 -> (M1 -> (L1, L2), Q1): M1 is the ARR-weighted mean of L1 and L2, P4 that of M1
    (weighing the 4,000 under it, none of its own) and Q1; the scores M1 and P4 have of
    their own give way at every level."""
    card = load_scorecard("starter-8")
    day = dt.date(2026, 11, 2)
    own = {"L1": 20.0, "L2": 50.0, "M1": 90.0, "Q1": 80.0, "P4": 10.0}
    snapshots = pd.DataFrame(
        {
            "account_id": list(own),
            "as_of": day,
            "segment_rule": None,
            "score": list(own.values()),
            "score_scaled": None,
            "band": None,
            "coverage": 1.0,
            "overridden": False,
            "override_reason": None,
            "scorecard": "starter-8",
            "scorecard_version": card.version,
            "rolled_up": False,
        }
    )
    info = pd.DataFrame(
        {
            "account_id": list(own),
            "as_of": day,
            "parent_account_id": ["M1", "M1", "P4", "P4", None],
            "arr": [1000.0, 3000.0, None, 4000.0, None],
        }
    )
    rolled = roll_up(snapshots, info, card).set_index("account_id")
    m1 = (20 * 1000 + 50 * 3000) / 4000  # 42.5
    assert rolled.loc["M1", "score"] == m1 and bool(rolled.loc["M1", "rolled_up"])
    assert rolled.loc["P4", "score"] == (m1 * 4000 + 80 * 4000) / 8000
    assert rolled.loc[["L1", "L2", "Q1"], "score"].tolist() == [20.0, 50.0, 80.0]
    assert len(rolled) == 5
