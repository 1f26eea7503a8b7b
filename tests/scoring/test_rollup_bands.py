"""Rolled-up parents get their band from the composite like any account, whatever the band count."""

from __future__ import annotations

import pandas as pd

from vigie.engine.rollup import band_name
from vigie.scorecard.spec import Band


def test_bands_high_to_low_with_inclusive_min_and_exclusive_above() -> None:
    bands = [Band(name="green", min=70), Band(name="yellow", above=40), Band(name="red", min=0)]
    scores = pd.Series([70.0, 69.9, 40.0, 40.1, None])
    assert band_name(bands, scores).tolist() == ["green", "yellow", "red", "yellow", None]


def test_a_single_band_scorecard_names_every_scored_parent() -> None:
    scores = pd.Series([12.0, None, 95.0])
    assert band_name([Band(name="tracked", min=0)], scores).tolist() == ["tracked", None, "tracked"]
