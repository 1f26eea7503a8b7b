"""Grading kinds: one function per kind, from a raw value expression to points 0-100.

A NULL raw value stays NULL (the measure is missing; the missing policy decides
what it counts for). `GRADES` maps a kind to its function: register a new kind there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.types as ir

from vigie.scorecard import spec


def bands(grade: spec.BandsGrade, value: ir.Value) -> ir.FloatingValue:
    """value >= bound (inclusive) and < next bound takes that band's points; below the first, the first."""
    cases = [(value >= bound, points) for bound, points in reversed(grade.bands[1:])]
    first = grade.bands[0][1]
    return _keep_null(value, ibis.cases(*cases, else_=first) if cases else ibis.literal(first))


def linear(grade: spec.LinearGrade, value: ir.Value) -> ir.FloatingValue:
    """Piecewise-linear between the points, clamped to the first and last."""
    (x0, p0), (xn, pn) = grade.linear[0], grade.linear[-1]
    cases = [(value <= x0, p0), (value >= xn, pn)]
    for (xa, pa), (xb, pb) in zip(grade.linear, grade.linear[1:], strict=False):
        if xb > xa:
            cases.append((value < xb, pa + (value - xa) * ((pb - pa) / (xb - xa))))
    return _keep_null(value, ibis.cases(*cases, else_=pn))


def categorical(grade: spec.CategoricalGrade, value: ir.Value) -> ir.FloatingValue:
    """Points of the matching value (booleans as true/false, numbers compared as numbers)."""
    cases = []
    for key, points in grade.categorical.items():
        if value.type().is_boolean():
            if key in ("true", "false"):
                cases.append((value == (key == "true"), points))
        elif value.type().is_numeric():
            try:
                cases.append((value == float(key), points))
            except ValueError:
                continue
        else:
            cases.append((value.cast("string") == key, points))
    default = ibis.literal(grade.default, type="float64")
    return _keep_null(value, ibis.cases(*cases, else_=default) if cases else default)


def points(grade: spec.PointsGrade, value: ir.Value) -> ir.FloatingValue:
    """A value already on 0..max: scaled to 0-100 and clamped."""
    scaled = value.cast("float64") * (100.0 / grade.points.max)
    return _keep_null(value, ibis.greatest(ibis.least(scaled, 100.0), 0.0))


def _keep_null(value: ir.Value, points: ir.Value) -> ir.FloatingValue:
    return ibis.ifelse(value.isnull(), ibis.null("float64"), points.cast("float64"))


GRADES: dict[str, Callable[[Any, ir.Value], ir.FloatingValue]] = {
    "bands": bands,
    "linear": linear,
    "categorical": categorical,
    "points": points,
}


def grade(rule: Any, value: ir.Value) -> ir.FloatingValue:
    """Points 0-100 of `value` under `rule` (any grading kind)."""
    return GRADES[rule.kind](rule, value)
