"""Composite scores of the reference scorecard, hand-computed (see expected/reference.csv).

As of 2024-03-01:
- A1 (enterprise segment: arr 120000 >= 100000, so usage weighs 20, not 40):
  usage (30 pts x2 + 100 x1)/3 = 53.33; relationship 100; voice NPS 25 -> 62.5;
  composite 53.33 x .25 + 100 x .375 + 62.5 x .375 = 74.27 (green).
- A2: usage 100 (trend missing: no logins in the previous window); relationship
  (days since QBR 91 -> 10 pts, champion left -> 0) = 5; voice missing;
  (100 x 40 + 5 x 30) / 70 = 59.29 (yellow); coverage .4 x 2/3 + .3 = .5667.
- A3: seats 0 -> usage missing; no meeting ever -> `missing: zero`; 0 (red), coverage .15.
- P1: parent of A1 and A2, ARR-weighted (120000 x 74.27 + 30000 x 59.29) / 150000 = 71.27;
  coverage weighted the same way (120000 x 1 + 30000 x .5667) / 150000 = .9133.
- A4: its subscription ended 2024-02-01: not scored.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from vigie.engine.scoring import score
from vigie.scorecard.spec import load_scorecard
from vigie.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
D = dt.date(2024, 3, 1)


def reference():
    return load_scorecard(FIXTURES / "reference.yaml")


def test_reference_scores(ws: Workspace) -> None:
    result = score(ws, reference(), [D])
    got = result.snapshots.set_index("account_id").sort_index()
    expected = pd.read_csv(
        Path(__file__).parent / "expected" / "reference.csv", keep_default_na=False
    )
    assert list(got.index) == list(expected.account_id)
    for row in expected.itertuples():
        actual = got.loc[row.account_id]
        assert actual.score == pytest.approx(row.score, abs=1e-9)
        assert actual.band == row.band
        assert bool(actual.rolled_up) == bool(row.rolled_up)
        assert ("" if pd.isna(actual.segment_rule) else actual.segment_rule) == row.segment_rule
        assert actual.coverage == pytest.approx(float(row.coverage), abs=1e-9)
    # contributions add up to the composite, for every scored account
    sums = result.measures.groupby("account_id")["contribution"].sum()
    for account in ("A1", "A2", "A3"):
        assert sums[account] == pytest.approx(got.loc[account].score)
    stored = ws.con.table("health_snapshots").to_pandas()
    assert sorted(stored.account_id) == ["A1", "A2", "A3", "P1"]
    assert list(stored.segment_rule.dropna()) == ["enterprise"]  # NULL stays NULL, not 'NaN'


def test_rescoring_a_date_replaces_it(duck: Workspace) -> None:
    card = reference()
    score(duck, card, [D, D - dt.timedelta(days=7)])
    score(duck, card, [D])
    snapshots = duck.con.table("health_snapshots").to_pandas()
    assert len(snapshots) == 8  # 4 accounts x 2 dates, the re-run date not duplicated
    measures = duck.con.table("health_measures").to_pandas()
    assert len(measures) == 2 * 3 * 5  # 2 dates x 3 scored accounts x 5 measures
    on_d = pd.to_datetime(snapshots.as_of).dt.date == D
    a1 = snapshots[(snapshots.account_id == "A1") & on_d].iloc[0]
    assert a1.delta_7d == pytest.approx(0.0)  # from the stored score of 2024-02-23
    assert math.isnan(a1.delta_30d)


def test_bands_use_scale_units_and_exclusive_above(duck: Workspace) -> None:
    # A2 scores 59.2857; on scale 10 that is 5.93: `above: 5.9285` is yellow, `above: 5.93` not.
    text = (FIXTURES / "reference.yaml").read_text()
    text = text.replace("scale: 100", "scale: 10")
    for bound, band in ((5.9285, "yellow"), (5.9286, "red")):
        card_text = text.replace("{name: green, min: 70}", "{name: green, min: 7}").replace(
            "{name: yellow, above: 50}", f"{{name: yellow, above: {bound}}}"
        )
        snap = score(duck, load_scorecard(card_text), [D], persist=False).snapshots
        a2 = snap.set_index("account_id").loc["A2"]
        assert a2.score_scaled == pytest.approx(5.92857142857)
        assert a2.band == band


@pytest.mark.parametrize(
    ("policy", "a3_score"),
    [
        # A3's usage is missing (no seats); relationship has 0 points (days_since zero, champion 0)
        ("renormalize", 0.0),
        ("zero", 0.0),
        ("{points: 50}", 50 * 40 / 100),  # usage 50 (both measures), relationship 0, voice 50
    ],
)
def test_scorecard_missing_policy(duck: Workspace, policy: str, a3_score: float) -> None:
    text = (
        (FIXTURES / "reference.yaml")
        .read_text()
        .replace("missing: renormalize", f"missing: {policy}")
    )
    if policy == "{points: 50}":
        a3_score = (50 * 40 + 0 * 30 + 50 * 30) / 100
    snap = score(duck, load_scorecard(text), [D], persist=False).snapshots
    assert snap.set_index("account_id").loc["A3"].score == pytest.approx(a3_score)


def test_segment_first_match_wins(duck: Workspace) -> None:
    text = (
        (FIXTURES / "reference.yaml")
        .read_text()
        .replace(
            "segments:\n",
            "segments:\n  - name: big\n    when: {arr: {min: 30000}}\n    weights: {usage: 10}\n",
        )
    )
    snap = score(duck, load_scorecard(text), [D], persist=False).snapshots.set_index("account_id")
    assert snap.loc["A1"].segment_rule == "big"  # matches both; `big` comes first
    assert snap.loc["A2"].segment_rule == "big"  # arr 30000 at D (min is inclusive)
    assert pd.isna(snap.loc["A3"].segment_rule)
    # A2 with usage weight 10: (100 x 10 + 5 x 30) / 40
    assert snap.loc["A2"].score == pytest.approx(1150 / 40)
