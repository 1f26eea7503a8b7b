"""Each bundled template scores its hand-computed fixture exactly.

A fixture folder (named after the template) holds the input tables as CSV
files named after the canonical table, `expected_scores.csv` (composite per
account) and `expected_dimensions.csv`, computed by hand in its README.md.
Accounts absent from expected_scores.csv must not be scored at all.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from vigie.engine.scoring import score
from vigie.schema import TABLES
from vigie.scorecard.spec import bundled_templates, load_scorecard
from vigie.workspace import Workspace

HERE = Path(__file__).parent
FIXTURES = sorted(p.name for p in HERE.iterdir() if (p / "expected_scores.csv").exists())
TOLERANCE = 1e-9


def load_fixture(workspace: Workspace, folder: Path) -> None:
    """Insert every `<table>.csv` of the folder into the canonical table of that name."""
    for path in sorted(folder.glob("*.csv")):
        if path.stem in TABLES:
            workspace.con.raw_sql(
                f"INSERT INTO {path.stem} BY NAME "
                f"SELECT * FROM read_csv('{path}', header = true, all_varchar = true)"
            )


def read_expected(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"account_id": str, "segment_rule": str, "band": str})


def same_number(actual: object, expected: object) -> bool:
    if pd.isna(expected):
        return actual is None or pd.isna(actual)
    return (
        actual is not None
        and not pd.isna(actual)
        and math.isclose(float(actual), float(expected), abs_tol=TOLERANCE)
    )


def same_text(actual: object, expected: object) -> bool:
    if pd.isna(expected):
        return actual is None or pd.isna(actual)
    return actual == expected


def test_every_template_has_a_fixture() -> None:
    assert bundled_templates() == FIXTURES


@pytest.mark.parametrize("name", FIXTURES)
def test_template_scores_match_hand_computed_fixture(name: str, workspace: Workspace) -> None:
    folder = HERE / name
    load_fixture(workspace, folder)
    expected = read_expected(folder / "expected_scores.csv")
    dates = sorted({dt.date.fromisoformat(d) for d in expected["as_of"]})
    result = score(workspace, load_scorecard(name), dates, persist=False)

    got = result.snapshots.assign(as_of=result.snapshots["as_of"].astype(str))
    got = got.set_index(["account_id", "as_of"])
    assert sorted(got.index) == sorted(zip(expected["account_id"], expected["as_of"], strict=True))
    wrong = []
    for row in expected.itertuples():
        actual = got.loc[(row.account_id, row.as_of)]
        for column in ("score", "score_scaled", "coverage"):
            if not same_number(actual[column], getattr(row, column)):
                wrong.append(
                    f"{row.account_id} {column}: {actual[column]} != {getattr(row, column)}"
                )
        for column in ("band", "segment_rule"):
            if not same_text(actual[column], getattr(row, column)):
                wrong.append(
                    f"{row.account_id} {column}: {actual[column]} != {getattr(row, column)}"
                )

    dims = read_expected(folder / "expected_dimensions.csv")
    got_dims = result.dimensions.set_index(["account_id", "dimension"])
    for row in dims.itertuples():
        actual = got_dims.loc[(row.account_id, row.dimension)]
        if not same_number(actual["score"], row.score) or not same_text(actual["band"], row.band):
            wrong.append(
                f"{row.account_id} {row.dimension}: {actual['score']} {actual['band']} "
                f"!= {row.score} {row.band}"
            )
    assert wrong == []
