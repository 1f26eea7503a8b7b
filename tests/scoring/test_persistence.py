"""Stored scores: re-scoring replaces exactly the run's rows, atomically, and deltas read stored dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from vigie.engine import scoring
from vigie.engine.scoring import DIMENSIONS, MEASURES, SNAPSHOTS, score
from vigie.io import replace
from vigie.scorecard.spec import load_scorecard
from vigie.workspace import Workspace

REFERENCE = Path(__file__).parent / "fixtures" / "reference.yaml"
D = dt.date(2024, 3, 1)
WEEK = dt.timedelta(days=7)


def _stored(ws: Workspace) -> dict[str, pd.DataFrame]:
    """The three health tables, sorted so two reads compare equal row by row."""
    frames = {}
    for name in (SNAPSHOTS, DIMENSIONS, MEASURES):
        frame = ws.con.table(name).to_pandas()
        frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
        keys = [
            c for c in ("account_id", "as_of", "scorecard", "dimension", "measure") if c in frame
        ]
        frames[name] = frame.sort_values(keys).reset_index(drop=True)
    return frames


def test_rescoring_replaces_only_that_scorecard_and_date(duck: Workspace) -> None:
    card = load_scorecard(REFERENCE)
    other = load_scorecard(REFERENCE.read_text().replace("name: reference", "name: other"))
    score(duck, card, [D - WEEK, D])
    score(duck, other, [D])
    before = _stored(duck)
    score(duck, card, [D])
    after = _stored(duck)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    snaps = after[SNAPSHOTS]
    counts = snaps.groupby(["scorecard", "as_of"]).size().to_dict()
    assert counts == {("other", D): 4, ("reference", D - WEEK): 4, ("reference", D): 4}


def test_failure_in_third_table_leaves_everything_as_before(
    duck: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = load_scorecard(REFERENCE)
    score(duck, card, [D - WEEK])
    before = _stored(duck)
    real_insert = replace._insert

    def failing_insert(raw, name, arrow):  # type: ignore[no-untyped-def]
        if name == MEASURES:
            raise RuntimeError("disk full")
        real_insert(raw, name, arrow)

    monkeypatch.setattr(replace, "_insert", failing_insert)
    with pytest.raises(RuntimeError, match="disk full"):
        score(duck, card, [D - WEEK, D])
    after = _stored(duck)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    assert set(after[SNAPSHOTS].as_of) == {D - WEEK}


def test_deltas_read_only_the_needed_stored_dates(duck: Workspace) -> None:
    card = load_scorecard(REFERENCE)
    score(duck, card, [D - 30 * dt.timedelta(days=1), D - WEEK])
    earlier = scoring._earlier_scores(duck, card.name, [D])
    assert sorted(set(earlier.as_of)) == [D - dt.timedelta(days=30), D - WEEK]
    snaps = score(duck, card, [D]).snapshots.set_index("account_id")
    stored = _stored(duck)[SNAPSHOTS]
    a2 = stored[stored.account_id == "A2"].set_index("as_of").score
    assert snaps.loc["A2"].delta_7d == round(a2[D] - a2[D - WEEK], 9)  # no float noise in CSVs
    assert snaps.loc["A2"].delta_30d == pytest.approx(a2[D] - a2[D - dt.timedelta(days=30)])
    assert pd.isna(snaps.loc["A2"].delta_90d)


def _rows(card: str, as_of: dt.date, value: float) -> dict[str, pa.Table]:
    """One hand-made row per health table, every column set from its type."""
    fill = {"string": "x", "date": as_of, "float64": value, "boolean": False}
    tables = {}
    for name, schema in scoring.SCHEMAS.items():
        row = {c: fill[str(t).rstrip("!").split("(")[0]] for c, t in schema.items()}
        tables[name] = pa.Table.from_pylist(
            [{**row, "account_id": "A1", "scorecard": card}], schema=schema.to_pyarrow()
        )
    return tables


def test_persist_replaces_rows_on_every_backend(ws: Workspace) -> None:
    """DuckDB's transaction and the Ibis rewrite (Spark) keep other rows, replace the run's."""
    day = dt.date(2024, 1, 1)
    scoring.persist_scores(ws, "card", [day], _rows("card", day, 1.0))
    scoring.persist_scores(ws, "other", [day], _rows("other", day, 2.0))
    scoring.persist_scores(ws, "card", [day], _rows("card", day, 3.0))
    for name in scoring.SCHEMAS:
        frame = ws.con.table(name).to_pandas().sort_values("scorecard")
        value = "score" if "score" in frame else "points"
        assert list(zip(frame.scorecard, frame[value], strict=True)) == [
            ("card", 3.0),
            ("other", 2.0),
        ]


def test_weekly_history_fills_30_and_90_day_deltas(duck: Workspace) -> None:
    """Weekly scores have nothing exactly 30 or 90 days back: the latest within 6 days before counts."""
    card = load_scorecard(REFERENCE)
    weekly = [D - WEEK * k for k in range(14, -1, -1)]  # D - 98 days ... D
    snaps = score(duck, card, weekly).snapshots
    a2 = snaps[snaps.account_id == "A2"].set_index("as_of").score
    now = snaps[(snaps.account_id == "A2") & (snaps.as_of == D)].iloc[0]
    assert now.delta_30d == pytest.approx(a2[D] - a2[D - 5 * WEEK])  # D-35 in [D-36, D-30]
    assert now.delta_90d == pytest.approx(a2[D] - a2[D - 13 * WEEK])  # D-91 in [D-96, D-90]
    first = snaps[(snaps.account_id == "A2") & (snaps.as_of == weekly[0])].iloc[0]
    assert pd.isna(first.delta_7d) and pd.isna(first.delta_30d)
    again = score(duck, card, [D]).snapshots  # the same deltas from stored history
    assert again[again.account_id == "A2"].iloc[0].delta_90d == pytest.approx(now.delta_90d)
