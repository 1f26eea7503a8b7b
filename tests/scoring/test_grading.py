"""Each grading kind on exact boundary values, evaluated by the engine (DuckDB in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ibis
import pytest

from vigie.scorecard import spec
from vigie.scorecard.grading import grade

KINDS = {
    "bands": spec.BandsGrade,
    "linear": spec.LinearGrade,
    "categorical": spec.CategoricalGrade,
    "points": spec.PointsGrade,
}


@pytest.fixture(scope="module")
def con() -> Iterator[Any]:
    connection = ibis.duckdb.connect()
    yield connection
    connection.disconnect()


def points_of(con: Any, rule: dict, values: list, type_: str = "float64") -> list:
    """Points of each value under `rule`, in order (a missing value stays None)."""
    (kind,) = [k for k in KINDS if k in rule]
    model = KINDS[kind].model_validate(rule)
    table = ibis.memtable(
        {"i": list(range(len(values))), "v": values}, schema={"i": "int64", "v": type_}
    )
    result = con.execute(table.select("i", p=grade(model, table.v)).order_by("i"))
    return [None if p != p or p is None else pytest.approx(p) for p in result.p.tolist()]


def test_bands_lower_bound_inclusive_and_below_first_takes_first(con: Any) -> None:
    rule = {"bands": [[0, 100], [1, 50], [3, 0]]}
    values = [-5.0, 0.0, 0.999, 1.0, 2.999, 3.0, 1e9, None]
    assert points_of(con, rule, values) == [100, 100, 100, 50, 50, 0, 0, None]


def test_bands_single_band_gives_its_points(con: Any) -> None:
    assert points_of(con, {"bands": [[10, 70]]}, [-1.0, 10.0, 99.0]) == [70, 70, 70]


def test_linear_interpolates_and_clamps(con: Any) -> None:
    rule = {"linear": [[0.5, 0], [4, 50], [12, 100]]}
    values = [-3.0, 0.5, 2.25, 4.0, 8.0, 12.0, 40.0, None]
    assert points_of(con, rule, values) == [0, 0, 25, 50, 75, 100, 100, None]


def test_linear_decreasing_and_vertical_step(con: Any) -> None:
    assert points_of(con, {"linear": [[10, 100], [100, 0]]}, [5.0, 55.0, 100.0, 200.0]) == [
        100,
        50,
        0,
        0,
    ]
    # a repeated x is a jump: the value at the step takes the upper side
    step = {"linear": [[0, 0], [1, 50], [1, 80], [2, 100]]}
    assert points_of(con, step, [0.5, 0.999, 1.0, 1.5]) == [25, 49.95, 80, 90]


def test_categorical_booleans(con: Any) -> None:
    rule = {"categorical": {"true": 100, "false": 0}}
    assert points_of(con, rule, [True, False, None], "boolean") == [100, 0, None]


def test_categorical_strings_with_and_without_default(con: Any) -> None:
    values = ["enterprise", "starter", "other", None]
    with_default = {"categorical": {"enterprise": 100, "starter": 40}, "default": 0}
    assert points_of(con, with_default, values, "string") == [100, 40, 0, None]
    without = {"categorical": {"enterprise": 100, "starter": 40}}
    assert points_of(con, without, values, "string") == [100, 40, None, None]


def test_categorical_numbers_compare_as_numbers(con: Any) -> None:
    rule = {"categorical": {"1": 100, "2.5": 50}, "default": 10}
    assert points_of(con, rule, [1.0, 2.5, 3.0]) == [100, 50, 10]


def test_points_scale_and_clamp(con: Any) -> None:
    rule = {"points": {"max": 5}}
    assert points_of(con, rule, [-1.0, 0.0, 2.5, 5.0, 6.0, None]) == [0, 0, 50, 100, 100, None]
