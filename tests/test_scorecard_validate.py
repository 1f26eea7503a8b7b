"""Scorecard validation reports every problem at once, each at its YAML path and line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigie.cli.app import app
from vigie.errors import ScorecardError, ScorecardProblem
from vigie.scorecard.spec import (
    GRADE_MODELS,
    METRIC_MODELS,
    TEMPLATES,
    bundled_templates,
    load_scorecard,
)
from vigie.scorecard.validate import validate_scorecard
from vigie.workspace import Workspace

SHAPE_ERRORS = """\
name: bad
bands:
  - {name: green, min: 70}
  - {name: red}
missing: sometimes
dimensions:
  usage:
    weight: -3
    measures:
      a:
        metric: {count: usage_events, window: 28x}
        grade: {linear: [[1, 2, 3]]}
      b:
        metric: {cuont: usage_events}
        grade: {stairs: 1}
      c:
        metric: {count: usage_events, sum: usage_events, window: 7d}
        grade: {points: {max: 0}}
        extra: 1
      d:
        metric: {count: tickets}
        grade: {bands: [[0, 100]]}
"""

RULE_ERRORS = """\
name: rules
bands:
  - {name: green, min: 50}
  - {name: yellow, min: 70}
  - {name: green, min: 0}
metrics:
  a: {ratio: [b, nowhere]}
  b: {ratio: [a, a]}
  c: {days_since: interactions}
dimensions:
  usage:
    weight: 1
    measures:
      logins:
        metric: {count: usage_event, window: 28d}
        grade: {linear: [[4, 50], [0.5, 0]]}
      users:
        metric: {distinct: usage_events, column: user, where: {evnt: login}, window: 28d}
        grade: {bands: [[0, 0], [0, 50], [2, 120]]}
      trend:
        metric: {change: c, vs: previous}
        grade: {bands: [[-100, 0]]}
      severe:
        metric: {count: tickets, where: {severity: criticial, escalated: yes}, window: 90d}
        grade: {bands: [[0, 100]]}
      champion:
        metric: {exists: contacts, where: {is_champion: true, late: true}}
        grade: {linear: [[0, 0], [1, 100]]}
      plan:
        metric: {attribute: plann}
        grade: {categorical: {gold: 100}}
      score:
        metric: {sum: surveys, column: kind, window: 30d}
        grade: {linear: [[0, 0]]}
      peer:
        metric: {percentile: missing_metric, among: region}
        grade: {linear: [[0, 0]]}
segments:
  - name: big
    when: {segment: enterprise, size: {min: 3}}
    weights: {usage: 0, nothing: 2, usage.logins: 3}
    grades: {usage.nope: {linear: [[0, 0]]}, usage.logins: {linear: [[2, 0], [1, 100]]}}
    bands: [{name: a, above: 120}, {name: b, min: 0}]
  - name: big
    when: {segment: smb}
"""

VALID = """\
name: small
bands: [{name: green, above: 50}, {name: red, min: 0}]
dimensions:
  usage:
    weight: 1
    measures:
      logins:
        metric: {count: usage_events, where: {event: teleport}, window: 7d}
        grade: {linear: [[0, 0], [10, 100]]}
"""


def located(problems: list[ScorecardProblem]) -> list[tuple[int | None, str]]:
    return [(p.line, p.path) for p in problems]


@pytest.mark.parametrize("name", bundled_templates())
def test_bundled_templates_are_valid(name: str) -> None:
    text = (TEMPLATES / f"{name}.yaml").read_text(encoding="utf-8")
    assert validate_scorecard(text, name) == []


def test_bundled_templates_are_the_five_documented_ones() -> None:
    assert bundled_templates() == [
        "b2b-supplier",
        "five-signals",
        "saas-standard",
        "starter-8",
        "startup-10",
    ]


def test_shape_errors_are_all_reported_at_their_yaml_path_and_line() -> None:
    problems = validate_scorecard(SHAPE_ERRORS, "bad.yaml")
    assert located(problems) == [
        (4, "bands[1]"),
        (5, "missing"),
        (8, "dimensions.usage.weight"),
        (11, "dimensions.usage.measures.a.metric.window"),
        (12, "dimensions.usage.measures.a.grade.linear[0]"),
        (14, "dimensions.usage.measures.b.metric"),
        (15, "dimensions.usage.measures.b.grade"),
        (17, "dimensions.usage.measures.c.metric"),
        (18, "dimensions.usage.measures.c.grade.points.max"),
        (19, "dimensions.usage.measures.c.extra"),
        (21, "dimensions.usage.measures.d.metric.window"),
    ]
    messages = [p.message for p in problems]
    assert "exactly one of `min` (inclusive) or `above` (exclusive)" in messages[0]
    assert (
        messages[1] == "must be renormalize, zero or {points: P} with P in 0..100 (got 'sometimes')"
    )
    assert "greater than 0 (got -3)" in messages[2]
    assert messages[3] == "a window is a number of days or weeks such as 28d or 4w (got '28x')"
    assert "one of: count, sum" in messages[5] and "(got keys cuont)" in messages[5]
    assert "(got keys stairs)" in messages[6]
    assert "(got keys count, sum, window)" in messages[7]
    assert messages[9] == "unknown key 'extra'"
    assert messages[10] == "required key 'window' is missing"


def test_rule_errors_are_all_reported_at_their_yaml_path_and_line() -> None:
    problems = validate_scorecard(RULE_ERRORS, "rules.yaml")
    measures = "dimensions.usage.measures"
    assert located(problems) == [
        (4, "bands[1].min"),
        (5, "bands[2].name"),
        (7, "metrics.a"),
        (7, "metrics.a.ratio[1]"),
        (8, "metrics.b"),
        (15, f"{measures}.logins.metric.count"),
        (16, f"{measures}.logins.grade.linear[1]"),
        (18, f"{measures}.users.metric.column"),
        (18, f"{measures}.users.metric.where.evnt"),
        (19, f"{measures}.users.grade.bands[1]"),
        (19, f"{measures}.users.grade.bands[2]"),
        (21, f"{measures}.trend.metric.change"),
        (24, f"{measures}.severe.metric.where.escalated"),
        (24, f"{measures}.severe.metric.where.severity"),
        (27, f"{measures}.champion.metric.where.late"),
        (28, f"{measures}.champion.grade.linear"),
        (30, f"{measures}.plan.metric.attribute"),
        (33, f"{measures}.score.metric.column"),
        (36, f"{measures}.peer.metric.among"),
        (36, f"{measures}.peer.metric.percentile"),
        (40, "segments[0].when.size"),
        (41, "segments[0].weights.nothing"),
        (41, "segments[0].weights.usage"),
        (42, "segments[0].grades.usage.logins.linear[1]"),
        (42, "segments[0].grades.usage.nope"),
        (43, "segments[0].bands[0].above"),
        (44, "segments[1].name"),
    ]
    text = "\n".join(map(str, problems))
    for expected in (
        "line 4 bands[1].min: bands go from high to low: bound 70 must be below the band before it",
        "duplicate band name 'green'",
        "metric 'a' refers back to itself through 'b'",
        "ratio refers to undefined metric 'nowhere'",
        "unknown table 'usage_event'; canonical tables: accounts,",
        "x values must be strictly ascending: 0.5 comes after 4",
        "unknown column 'user' for table usage_events; columns: account_id, user_id,",
        "band bounds must be strictly ascending: 0 comes after 0",
        "points must be between 0 and 100, got 120",
        "change needs a windowed metric",
        "tickets.escalated is true/false, not 'yes'",
        "'criticial' never occurs in tickets.severity; allowed: low, medium, high, critical",
        "`late: true` only applies to invoices",
        "linear grading needs a number; this metric gives true/false: use categorical",
        "unknown account attribute 'plann'",
        "sum needs a numeric column; surveys.kind is text",
        "unknown account field 'region'",
        "percentile refers to undefined metric 'missing_metric'",
        "unknown account field 'size'",
        "no dimension or dimension.measure called 'nothing'",
        "weights must be positive numbers, got 0",
        "no measure called 'usage.nope'",
        "bound 120 is outside the scale 0..100",
        "duplicate segment name 'big'",
    ):
        assert expected in text


def test_load_scorecard_refuses_what_only_validation_catches(
    tmp_path: Path, workspace: Workspace
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULE_ERRORS, encoding="utf-8")
    with pytest.raises(ScorecardError) as refused:
        load_scorecard(path)
    assert len(refused.value.problems) == 27
    load_scorecard(VALID, workspace)  # no usage rows yet: event names are not checked
    workspace.con.raw_sql(
        "INSERT INTO usage_events (account_id, event, occurred_at) "
        "VALUES ('a1', 'login', TIMESTAMP '2026-01-05 10:00:00')"
    )
    with pytest.raises(ScorecardError, match="event 'teleport' never occurs"):
        load_scorecard(VALID, workspace)


def test_yaml_syntax_error_gives_its_line() -> None:
    problems = validate_scorecard("name: x\nbands: [1, 2\ndimensions: 3\n", "broken.yaml")
    assert len(problems) == 1
    assert problems[0].line == 3
    assert problems[0].message.startswith("invalid YAML")


def test_a_scorecard_must_be_a_mapping() -> None:
    assert validate_scorecard("- 1\n", "list.yaml") == [
        ScorecardProblem("", 1, "a scorecard is a YAML mapping with name, bands and dimensions")
    ]


def test_band_bounds_above_and_min_on_the_same_value_are_in_order() -> None:
    text = VALID.replace(
        "[{name: green, above: 50}, {name: red, min: 0}]",
        "[{name: green, above: 50}, {name: yellow, min: 50}, {name: red, min: 0}]",
    )
    assert validate_scorecard(text, "ok.yaml") == []
    swapped = text.replace(
        "above: 50}, {name: yellow, min: 50", "min: 50}, {name: yellow, above: 50"
    )
    assert located(validate_scorecard(swapped, "bad.yaml")) == [(2, "bands[1].above")]


def test_unknown_events_are_checked_against_the_workspace(workspace: Workspace) -> None:
    assert validate_scorecard(VALID, "small.yaml", workspace) == []  # empty table: nothing to check
    workspace.con.raw_sql(
        "INSERT INTO usage_events (account_id, user_id, event, occurred_at, quantity) "
        "VALUES ('a1', 'u1', 'login', TIMESTAMP '2026-01-05 10:00:00', 1)"
    )
    # a list is refused only when none of its events occurs (premium features unused so far)
    some_used = VALID.replace("{event: teleport}", "{event: [login, teleport]}")
    assert validate_scorecard(some_used, "small.yaml", workspace) == []
    problems = validate_scorecard(VALID, "small.yaml", workspace)
    assert [str(p) for p in problems] == [
        "line 8 dimensions.usage.measures.logins.metric.where.event: event 'teleport' never "
        "occurs in this workspace's usage_events (events: login): the measures reading it are "
        "0 or missing for every account"
    ]


def test_rating_measures_are_checked_against_the_workspace(workspace: Workspace) -> None:
    workspace.con.raw_sql(
        "INSERT INTO ratings (account_id, measure, rated_at, value) "
        "VALUES ('a1', 'relationship', TIMESTAMP '2026-01-05 10:00:00', 2)"
    )
    text = VALID.replace(
        "{count: usage_events, where: {event: teleport}, window: 7d}",
        "{latest: ratings, column: value, where: {measure: relationshp}, max_age: 120d}",
    )
    assert text != VALID
    [problem] = validate_scorecard(text, "small.yaml", workspace)
    assert problem.message.startswith(
        "measure 'relationshp' never occurs in this workspace's ratings (measures: relationship)"
    )


def test_segment_values_are_checked_against_the_workspace(workspace: Workspace) -> None:
    """A segment spelled otherwise than the book (`enterprise` vs `Enterprise`) would send every
    account to the default rules without a word."""
    workspace.con.raw_sql(
        "INSERT INTO accounts (account_id, name, segment) VALUES "
        "('a1', 'A', 'Enterprise'), ('a2', 'B', 'SMB');"
        "INSERT INTO subscriptions (subscription_id, account_id, plan, start_date, arr) "
        "VALUES ('s1', 'a1', 'Pro', DATE '2026-01-01', 1000)"
    )
    segments = (
        "segments:\n"
        "  - {name: big, when: {segment: [enterprise, Enterprise]}, weights: {usage: 2}}\n"
        "  - {name: ent, when: {segment: enterprise}, weights: {usage: 2}}\n"
        "  - {name: pro, when: {plan: pro, arr: {min: 10}}, weights: {usage: 2}}\n"
    )
    text = VALID.replace("teleport", "login").replace("name: small\n", "name: small\n" + segments)
    assert [str(p) for p in validate_scorecard(text, "s.yaml", workspace)] == [
        "line 4 segments[1].when.segment: segment 'enterprise' never occurs in this workspace's "
        "accounts (segments: Enterprise, SMB): no account falls in this segment",
        "line 5 segments[2].when.plan: plan 'pro' never occurs in this workspace's "
        "subscriptions (plans: Pro): no account falls in this segment",
    ]


def test_cli_validate_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULE_ERRORS, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "vigie", "scorecard", "validate", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 2
    assert "27 problem(s)" in proc.stderr
    assert "line 44 segments[1].name: duplicate segment name 'big'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_validate_checks_events_with_a_workspace(workspace: Workspace, tmp_path: Path) -> None:
    workspace.con.raw_sql(
        "INSERT INTO usage_events (account_id, event, occurred_at) "
        "VALUES ('a1', 'login', TIMESTAMP '2026-01-05 10:00:00')"
    )
    path = tmp_path / "small.yaml"
    path.write_text(VALID, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["scorecard", "validate", str(path)]).exit_code == 0
    result = runner.invoke(app, ["scorecard", "validate", str(path), "-w", str(workspace.root)])
    assert isinstance(result.exception, ScorecardError)
    assert "event 'teleport' never occurs" in str(result.exception)


def test_scoring_a_scorecard_whose_events_never_occur_warns(
    workspace: Workspace, tmp_path: Path
) -> None:
    """A template on a book whose events have other names: scored, but not silently."""
    workspace.con.raw_sql(
        "INSERT INTO accounts (account_id, name) VALUES ('a1', 'A');"
        "INSERT INTO usage_events (account_id, event, occurred_at) "
        "VALUES ('a1', 'session_start', TIMESTAMP '2026-01-05 10:00:00')"
    )
    path = tmp_path / "small.yaml"
    path.write_text(VALID, encoding="utf-8")
    args = ["-w", str(workspace.root), "--scorecard", str(path), "--as-of", "2026-02-01"]
    result = CliRunner().invoke(app, ["score", *args])
    assert result.exit_code == 0, result.output
    said = "".join(result.stderr.split())  # Rich wraps lines anywhere, even in paths
    assert (
        "small.yamlline8dimensions.usage.measures.logins.metric.where.event:event'teleport'" in said
    )
    assert "0ormissingforeveryaccount" in said


def test_cli_validate_ok_prints_version() -> None:
    result = CliRunner().invoke(app, ["scorecard", "validate", "b2b-supplier"])
    assert result.exit_code == 0, result.output
    assert "OK: scorecard b2b-supplier version " in result.output


def test_cli_unknown_scorecard_lists_templates() -> None:
    result = CliRunner().invoke(app, ["scorecard", "show", "nope"])
    assert isinstance(result.exception, ScorecardError)
    assert "saas-standard" in str(result.exception)


def test_cli_show_gives_weights_in_percent_of_dimension_and_score() -> None:
    result = CliRunner().invoke(app, ["scorecard", "show", "saas-standard"], terminal_width=200)
    assert result.exit_code == 0, result.output
    cells = [[c.strip() for c in line.split("│")] for line in result.output.splitlines()]
    rows = [(row[1], row[2:4]) for row in cells if len(row) > 4 and row[2]]
    base, enterprise = dict(rows[:11]), dict(rows[11:])
    assert base["logins_per_seat_28d"] == ["50.0%", "15.0%"]  # weight 2 of 4 in usage (30 %)
    assert base["nps_365d"] == ["66.7%", "10.0%"]
    assert enterprise["logins_per_seat_28d"] == ["50.0%", "11.9%"]  # usage 25 of 105
    text = " ".join(result.output.split())  # lines wrap at the console width
    assert "Bands: green >= 70, yellow >= 50, red below" in text
    assert "Segment enterprise: when {segment: enterprise}" in text
    assert "usage.logins_per_seat_28d graded linear 0.25->0, 2->50, 8->100 (clamped)" in text
    # defaults the YAML leaves out are part of what a measure means (cells wrap: no spaces)
    cell_text = "".join(text.replace("│", "").split())
    assert "{change:logins_28d,vs:previous}" in cell_text
    assert "{nps:surveys,window:365d}" in cell_text


def test_cli_templates_lists_each_with_its_description() -> None:
    result = CliRunner().invoke(app, ["scorecard", "templates"], terminal_width=200)
    assert result.exit_code == 0, result.output
    for name in bundled_templates():
        assert name in result.output
    assert "Four hand-rated criteria worth 0-2 each" in result.output


def test_docs_describe_every_metric_kind_grading_kind_and_template() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "scorecards.md").read_text(encoding="utf-8")
    for kind in (*METRIC_MODELS, *GRADE_MODELS):
        assert f"\n| {kind} | `{{{kind}:" in docs, f"docs/scorecards.md misses the {kind} kind"
    for name in bundled_templates():
        assert f"| `{name}`" in docs, f"docs/scorecards.md misses the {name} template"


def test_show_yaml_prints_a_template_to_copy(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["scorecard", "show", "b2b-supplier", "--yaml"])
    assert result.exit_code == 0, result.output
    copy = tmp_path / "mine.yaml"
    copy.write_text(result.stdout, encoding="utf-8")
    assert load_scorecard(copy).version == load_scorecard("b2b-supplier").version


def test_a_duplicate_key_and_a_missing_top_level_key_have_lines() -> None:
    measure = "      logins: {metric: {attribute: arr}, grade: {linear: [[0, 0], [1, 100]]}}\n"
    text = "name: x\ndimensions:\n  d:\n    weight: 1\n    measures:\n" + measure
    assert [str(p) for p in validate_scorecard(text + measure, "s.yaml")] == [
        "line 7: key 'logins' appears twice in one mapping (first at line 6)"
    ]
    assert [str(p) for p in validate_scorecard(text, "s.yaml")] == [
        "line 1 bands: required key 'bands' is missing"
    ]


def test_a_categorical_grade_of_words_on_a_count_is_refused() -> None:
    measure = "      logins:\n        metric: {count: usage_events, window: 30d}\n"
    text = (
        "name: x\nbands: [{name: ok, min: 0}]\ndimensions:\n  d:\n    weight: 1\n    measures:\n"
        + measure
        + "        grade: {categorical: {high: 100, '0': 0}}\n"
    )
    assert [str(p) for p in validate_scorecard(text, "s.yaml")] == [
        "line 9 dimensions.d.measures.logins.grade.categorical.high: 'high' never occurs: this "
        "metric gives a number (grade numbers with bands or linear)"
    ]


def test_cli_show_writes_a_range_condition_as_yaml(tmp_path) -> None:
    card = tmp_path / "r.yaml"
    card.write_text(
        "name: r\nbands: [{name: ok, min: 0}]\n"
        "segments: [{name: near, when: {days_to_renewal: {max: 60}}}]\n"
        "dimensions:\n  d:\n    weight: 1\n    measures:\n      m:\n"
        "        metric: {exists: contacts}\n        grade: {categorical: {true: 100, false: 0}}\n"
    )
    result = CliRunner().invoke(app, ["scorecard", "show", str(card)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "when {days_to_renewal: {max: 60}}" in " ".join(result.output.split())


def test_a_fixed_missing_points_out_of_range_is_one_problem_at_its_line() -> None:
    text = (
        "name: mp\nbands: [{name: ok, min: 0}]\ndimensions:\n  d:\n    weight: 1\n"
        "    measures:\n      m:\n        missing: {points: 150}\n"
        "        metric: {exists: contacts}\n        grade: {categorical: {true: 100, false: 0}}\n"
    )
    [problem] = validate_scorecard(text, "mp.yaml")  # not also "should be 'renormalize' or ..."
    assert (problem.line, problem.path) == (8, "dimensions.d.measures.m.missing.points")
    assert "less than or equal to 100" in problem.message
