"""Edge cases found by scoring hand-made books: parents, exact band bounds, `sql:` metrics,
runnable compiled SQL and deltas of dates scored out of order (fixture data, DuckDB).

P1 is the parent of A1 and A2, without a subscription of its own but a customer since
2022-01-01; on 2022-12-01 neither child is a customer yet, so P1 is scored on its own data there.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from vigie.cli.app import app
from vigie.cli.score_cmds import _scaled
from vigie.engine.explain import explain
from vigie.engine.overrides import add_override
from vigie.engine.scoring import score
from vigie.scorecard.compile import compile_sql
from vigie.scorecard.spec import load_scorecard
from vigie.scorecard.validate import validate_scorecard
from vigie.workspace import Workspace

REFERENCE = Path(__file__).parent / "fixtures" / "reference.yaml"
BEFORE_CHILDREN, D2, D3 = dt.date(2022, 12, 1), dt.date(2024, 2, 23), dt.date(2024, 3, 1)


def _card(measure: str, scale: int = 100, bands: str = "[{name: ok, min: 0}]") -> object:
    return load_scorecard(
        f"name: edge\nscale: {scale}\nbands: {bands}\n"
        f"dimensions:\n  d:\n    weight: 1\n    measures:\n      m:\n{measure}"
    )


def _measure_rows(ws: Workspace, account: str) -> pd.DataFrame:
    rows = ws.con.table("health_measures").to_pandas()
    rows["as_of"] = pd.to_datetime(rows["as_of"]).dt.date
    return rows[rows.account_id == account]


def test_a_parent_keeps_its_own_rows_on_dates_it_is_not_rolled_up(duck: Workspace) -> None:
    card = load_scorecard(REFERENCE)
    score(duck, card, [BEFORE_CHILDREN, D3])  # one run, P1 rolled up on D3 only
    mine = _measure_rows(duck, "P1")
    assert sorted(mine.as_of.unique()) == [BEFORE_CHILDREN]
    assert len(mine) == 5  # every measure of the scorecard, as when that date is scored alone


def test_explain_a_rolled_up_parent_lists_its_children(duck: Workspace) -> None:
    score(duck, load_scorecard(REFERENCE), [D2, D3])
    found = explain(duck, "P1", D2, D3)
    assert found.composite_to["rolled_up"] is True
    assert found.measures.empty
    assert sorted(found.children.account_id) == ["A1", "A2"]
    a2 = found.children.set_index("account_id").loc["A2"]
    assert a2.score_to == pytest.approx(59.2857142857)
    assert a2.change == pytest.approx(a2.score_to - a2.score_from)


def test_explain_a_date_without_score(duck: Workspace) -> None:
    """A2 has no survey: a voice-only scorecard has no score for it (renormalize)."""
    voice = _card(
        "        metric: {nps: surveys, window: 365d}\n"
        "        grade: {linear: [[-100, 0], [100, 100]]}\n"
    )
    score(duck, voice, [D2, D3])
    found = explain(duck, "A2", D2, D3, "edge")
    assert found.composite_from["score"] is None and found.change is None
    assert found.to_dict()["change"] is None


def test_an_overall_override_of_a_parent_wins_over_the_roll_up(duck: Workspace) -> None:
    card = load_scorecard(REFERENCE)
    add_override(duck, card, "P1", "overall", 12.5, "board escalation", D3 + dt.timedelta(1), D3)
    p1 = score(duck, card, [D3]).snapshots.set_index("account_id").loc["P1"]
    assert (p1.score, p1.band, bool(p1.overridden), bool(p1.rolled_up)) == (
        12.5,
        "red",
        True,
        False,
    )


def test_a_score_exactly_on_a_scaled_bound_is_in_the_band(duck: Workspace) -> None:
    """30 points on a scale of 3 is exactly 0.9 (30 * (3 / 100) would be 0.8999999999999999)."""
    card = _card(
        "        metric: {exists: contacts}\n        grade: {categorical: {true: 30, false: 30}}\n",
        scale=3,
        bands="[{name: good, min: 0.9}, {name: low, min: 0}]",
    )
    snapshots = score(duck, card, [D3], persist=False).snapshots
    assert set(snapshots.score_scaled) == {0.9}
    assert set(snapshots.band) == {"good"}


def test_an_sql_metric_reads_the_account_as_it_stood_at_d(duck: Workspace) -> None:
    card = _card(
        "        metric: {sql: \"arr / 1000 + CASE WHEN industry = 'retail' THEN 1 END\"}\n"
        "        grade: {linear: [[0, 0], [200, 100]]}\n"
    )
    measures = score(duck, card, [dt.date(2023, 12, 1), D3]).measures
    a1 = measures[measures.account_id == "A1"].set_index("as_of").raw_value
    assert a1.to_dict() == {dt.date(2023, 12, 1): 101.0, D3: 121.0}  # S1 then S2, never today's 999


def test_an_sql_metric_naming_an_unknown_field_does_not_validate() -> None:
    text = (
        "name: edge\nbands: [{name: ok, min: 0}]\ndimensions:\n  d:\n    weight: 1\n"
        "    measures:\n      m:\n        metric: {sql: \"industri = 'retail'\"}\n"
        "        grade: {categorical: {true: 100, false: 0}}\n"
    )
    [problem] = validate_scorecard(text, "edge.yaml")
    assert problem.line == 8
    assert "unknown account field(s) 'industri'" in problem.message
    [problem] = validate_scorecard(text.replace("industri = 'retail'", "industry ="), "edge.yaml")
    assert "not a valid SQL expression" in problem.message


def test_compiled_sql_runs_by_itself(duck: Workspace) -> None:
    """`vigie compile` output runs as it is: the run's small tables are inlined as CTEs."""
    card = load_scorecard(REFERENCE)
    sql = compile_sql(duck, card, D3)
    ran = duck.con.con.execute(sql).df().set_index("account_id").score.sort_index()
    scored = score(duck, card, [D3], persist=False).snapshots.set_index("account_id").score
    own = scored.drop("P1").sort_index()  # the roll-up of P1 happens after the query
    assert ran.drop("P1").tolist() == pytest.approx(own.tolist())
    with_sql = _card(
        '        metric: {sql: "arr / 1000"}\n        grade: {linear: [[0, 0], [100, 100]]}\n'
    )
    for text in (compile_sql(duck, with_sql, D3), sql):  # a sql: measure too
        assert len(duck.con.con.execute(text).df()) == len(scored)
        for name in set(re.findall(r'"(ibis_[a-z_]*memtable_[a-z0-9]+)" AS \(', text)):
            defined = text.index(f'"{name}" AS (')  # before any CTE reads it
            assert defined < text.index(f'FROM "{name}"')


def test_deltas_are_refreshed_when_an_earlier_date_is_scored_later(duck: Workspace) -> None:
    card = load_scorecard(REFERENCE)
    later = score(duck, card, [D3]).snapshots.set_index("account_id")
    earlier = score(duck, card, [D2]).snapshots.set_index("account_id")
    stored = duck.con.table("health_snapshots").to_pandas()
    stored = stored[pd.to_datetime(stored.as_of).dt.date == D3].set_index("account_id")
    expected = later.score["A2"] - earlier.score["A2"]
    assert stored.delta_7d["A2"] == pytest.approx(expected)
    assert stored.score["A2"] == later.score["A2"]


def test_explain_json_has_null_where_there_is_no_value(duck: Workspace) -> None:
    """Strict JSON parsers refuse NaN: a date without score and absent values are null."""
    voice = _card(
        "        metric: {nps: surveys, window: 365d}\n"
        "        grade: {linear: [[-100, 0], [100, 100]]}\n"
    )
    score(duck, voice, [D2, D3])
    args = ["explain", "A2", "--from", str(D2), "--to", str(D3), "-s", "edge", "--json"]
    out = CliRunner().invoke(app, [*args, "-w", str(duck.root)])
    assert out.exit_code == 0, out.output

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} in --json output")

    data = json.loads(out.output, parse_constant=refuse)
    assert data["change"] is None and data["from"]["score"] is None


def test_scores_below_ten_keep_the_decimal_that_decides_the_band() -> None:
    assert [_scaled(v) for v in (5.01, 5.0, 0.0, 66.25, float("nan"))] == [
        "5.01",
        "5.0",
        "0.0",
        "66.2",
        "",
    ]


@pytest.mark.parametrize("missing", ["renormalize", "zero"])
def test_a_category_without_match_nor_default_is_missing_data(duck: Workspace, missing) -> None:
    """`plan` has a value at D but the grade lists none of them: the measure has no points, so it
    is missing (coverage 1 / 4), filled with 0 under `missing: zero`, never counted as covered."""
    card = load_scorecard(
        "name: edge\nbands: [{name: ok, min: 0}]\ndimensions:\n  d:\n    weight: 1\n"
        "    measures:\n"
        "      contact:\n        weight: 1\n        metric: {exists: contacts}\n"
        "        grade: {categorical: {true: 80, false: 80}}\n"
        f"      plan:\n        weight: 3\n        missing: {missing}\n"
        "        metric: {attribute: plan}\n        grade: {categorical: {no-such-plan: 100}}\n"
    )
    result = score(duck, card, [D3], persist=False)
    a1 = result.snapshots.set_index("account_id").loc["A1"]
    assert a1.coverage == 0.25
    assert a1.score == (80.0 if missing == "renormalize" else 20.0)
    plan = result.measures.set_index(["account_id", "measure"]).loc[("A1", "plan")]
    assert plan.raw_text is not None and bool(plan.missing)


def test_explain_shows_a_parent_s_children_in_the_scorecard_s_units(duck: Workspace) -> None:
    card = _card(
        "        metric: {exists: contacts}\n        grade: {categorical: {true: 70, false: 20}}\n",
        scale=10,
    )
    snapshots = score(duck, card, [D2, D3]).snapshots.set_index(["account_id", "as_of"])
    found = explain(duck, "P1", D2, D3, "edge")
    a2 = found.children.set_index("account_id").loc["A2"]
    assert a2.score_to == snapshots.loc[("A2", D3), "score_scaled"] == 7.0
    assert found.composite_to["score_scaled"] <= 10
