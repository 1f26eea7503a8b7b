"""Scorecards: YAML spec -> frozen models -> Ibis expressions per measure."""

from vigie.scorecard.spec import Scorecard, load_scorecard

__all__ = ["Scorecard", "load_scorecard"]
