"""A scorecard that does not validate is never built, whatever door it comes through."""

from __future__ import annotations

import pytest

from vigie.errors import ScorecardError
from vigie.scorecard import load_scorecard
from vigie.scorecard.spec import bundled_templates

BROKEN = """\
name: broken
bands: [{name: ok, min: 0}]
dimensions:
  usage:
    weight: 1
    measures:
      logins:
        metric: {count: usage_events, where: {evnt: login}, window: 28d}
        grade: {linear: [[0, 0], [10, 100]]}
"""


def test_semantic_problems_refuse_the_scorecard_with_their_line() -> None:
    with pytest.raises(ScorecardError) as refused:
        load_scorecard(BROKEN)
    [problem] = refused.value.problems
    assert problem.line == 8
    assert "evnt" in problem.message


@pytest.mark.parametrize("name", bundled_templates())
def test_every_bundled_template_validates(name: str) -> None:
    assert load_scorecard(name).name == name
