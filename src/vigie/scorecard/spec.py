"""Scorecard specification: frozen models of the YAML a CS-ops person writes.

The models hold the *shape* of a scorecard (kinds, fields, types). Rules that
need context (tables and columns exist, names referenced exist, bounds in
order) live in `validate.py`, which reports every problem with its YAML line.
`load_scorecard` runs both, so a scorecard that does not validate is never used.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.constructor import DuplicateKeyError

from vigie.errors import ScorecardError, ScorecardProblem
from vigie.textfile import read_text_file

if TYPE_CHECKING:
    from vigie.workspace import Workspace

DEFAULT_SCORECARD = "saas-standard"
TEMPLATES = resources.files("vigie.scorecard") / "templates"

Window = Annotated[str, Field(pattern=r"^[1-9][0-9]*[dw]$", description="Nd (days) or Nw (weeks)")]
Scalar = bool | int | float | str


def window_days(window: str) -> int:
    """Days in a `Nd` / `Nw` window."""
    count, unit = int(window[:-1]), window[-1]
    return count * 7 if unit == "w" else count


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Range(_Model):
    """Inclusive range; either end may be omitted."""

    min: float | None = None
    max: float | None = None


Condition = Scalar | list[Scalar] | Range
"""A `where` / `when` value: equality, membership, or an inclusive range."""
Where = dict[str, Condition]


# --- metric kinds -------------------------------------------------------------------------------


class _Metric(_Model):
    kind: ClassVar[str]


class CountMetric(_Metric):
    kind: ClassVar[str] = "count"
    count: str
    where: Where = {}
    window: Window
    per: Literal["seats", "active_users"] | None = None


class SumMetric(_Metric):
    kind: ClassVar[str] = "sum"
    sum: str
    column: str
    where: Where = {}
    window: Window
    per: Literal["seats", "active_users"] | None = None


class DistinctMetric(_Metric):
    kind: ClassVar[str] = "distinct"
    distinct: str
    column: str
    where: Where = {}
    window: Window
    per: Literal["seats", "active_users"] | None = None


class AverageMetric(_Metric):
    kind: ClassVar[str] = "average"
    average: str
    column: str
    where: Where = {}
    window: Window


class RatioMetric(_Metric):
    kind: ClassVar[str] = "ratio"
    ratio: tuple[str, str]


class DaysSinceMetric(_Metric):
    kind: ClassVar[str] = "days_since"
    days_since: str
    where: Where = {}


class ExistsMetric(_Metric):
    kind: ClassVar[str] = "exists"
    exists: str
    where: Where = {}


class LatestMetric(_Metric):
    kind: ClassVar[str] = "latest"
    latest: str
    column: str
    where: Where = {}
    max_age: Window | None = None


class NpsMetric(_Metric):
    kind: ClassVar[str] = "nps"
    nps: Literal["surveys"]
    window: Window = "365d"


class ChangeMetric(_Metric):
    kind: ClassVar[str] = "change"
    change: str
    vs: Literal["previous", "year_ago"] = "previous"


class SlopeMetric(_Metric):
    kind: ClassVar[str] = "slope"
    slope: str
    weeks: int = Field(ge=2)


class PercentileMetric(_Metric):
    kind: ClassVar[str] = "percentile"
    percentile: str
    among: str = "segment"


class AttributeMetric(_Metric):
    kind: ClassVar[str] = "attribute"
    attribute: str


class SqlMetric(_Metric):
    kind: ClassVar[str] = "sql"
    sql: str


TEXT_SOURCES = ("interaction", "ticket", "survey", "sentiment")
TEXT_DIRECTIONS = ("inbound", "outbound", "internal")
CONTACT_ROLES = ("champion", "decision_maker", "any")
"""Filters of the `tone` metric: values of texts.source / texts.direction, and who wrote."""


class ToneMetric(_Metric):
    """Average tone (-1..1) of the texts written in the window before D (the derived `texts` table).

    Values are checked in `validate.py` (with their YAML line), like `where` conditions.
    """

    kind: ClassVar[str] = "tone"
    tone: Literal["texts"]
    window: Window = "90d"
    source: str | list[str] | None = None
    direction: str | list[str] | None = None
    contact_role: str | list[str] | None = None
    min_texts: int = Field(default=1, ge=1)


METRIC_MODELS: dict[str, type[_Metric]] = {
    m.kind: m
    for m in (
        CountMetric,
        SumMetric,
        DistinctMetric,
        AverageMetric,
        RatioMetric,
        DaysSinceMetric,
        ExistsMetric,
        LatestMetric,
        NpsMetric,
        ChangeMetric,
        SlopeMetric,
        PercentileMetric,
        AttributeMetric,
        SqlMetric,
        ToneMetric,
    )
}
WINDOWED = (CountMetric, SumMetric, DistinctMetric, AverageMetric, NpsMetric, ToneMetric)


def _kind_of(kinds: tuple[str, ...]) -> Any:
    """Discriminator: the one key of a mapping that names a kind (YAML `{count: ...}`)."""

    def discriminate(value: Any) -> str | None:
        if isinstance(value, dict):
            present = [k for k in kinds if k in value]
            return present[0] if len(present) == 1 else None
        return getattr(value, "kind", None)

    return discriminate


Metric = Annotated[
    Annotated[CountMetric, Tag("count")]
    | Annotated[SumMetric, Tag("sum")]
    | Annotated[DistinctMetric, Tag("distinct")]
    | Annotated[AverageMetric, Tag("average")]
    | Annotated[RatioMetric, Tag("ratio")]
    | Annotated[DaysSinceMetric, Tag("days_since")]
    | Annotated[ExistsMetric, Tag("exists")]
    | Annotated[LatestMetric, Tag("latest")]
    | Annotated[NpsMetric, Tag("nps")]
    | Annotated[ChangeMetric, Tag("change")]
    | Annotated[SlopeMetric, Tag("slope")]
    | Annotated[PercentileMetric, Tag("percentile")]
    | Annotated[AttributeMetric, Tag("attribute")]
    | Annotated[SqlMetric, Tag("sql")]
    | Annotated[ToneMetric, Tag("tone")],
    Discriminator(
        _kind_of(tuple(METRIC_MODELS)),
        custom_error_type="unknown_metric_kind",
        custom_error_message="a metric needs exactly one kind key, one of: "
        + ", ".join(METRIC_MODELS),
    ),
]


# --- grading kinds ------------------------------------------------------------------------------


class _Grade(_Model):
    kind: ClassVar[str]


class BandsGrade(_Grade):
    """Value >= bound (inclusive) and < next bound takes the band's points."""

    kind: ClassVar[str] = "bands"
    bands: list[tuple[float, float]] = Field(min_length=1)


class LinearGrade(_Grade):
    """Piecewise-linear between (x, points), clamped to the end points."""

    kind: ClassVar[str] = "linear"
    linear: list[tuple[float, float]] = Field(min_length=1)


class CategoricalGrade(_Grade):
    """Points per value; YAML booleans are keyed as "true" / "false"."""

    kind: ClassVar[str] = "categorical"
    categorical: dict[str, float] = Field(min_length=1)
    default: float | None = None

    @field_validator("categorical", mode="before")
    @classmethod
    def _keys_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {_text(k): v for k, v in value.items()}
        return value


class PointsScale(_Model):
    max: float = Field(gt=0)


class PointsGrade(_Grade):
    """The value already is points on 0..max (hand ratings)."""

    kind: ClassVar[str] = "points"
    points: PointsScale


GRADE_MODELS: dict[str, type[_Grade]] = {
    g.kind: g for g in (BandsGrade, LinearGrade, CategoricalGrade, PointsGrade)
}

Grade = Annotated[
    Annotated[BandsGrade, Tag("bands")]
    | Annotated[LinearGrade, Tag("linear")]
    | Annotated[CategoricalGrade, Tag("categorical")]
    | Annotated[PointsGrade, Tag("points")],
    Discriminator(
        _kind_of(tuple(GRADE_MODELS)),
        custom_error_type="unknown_grade_kind",
        custom_error_message="a grade needs exactly one kind key, one of: "
        + ", ".join(GRADE_MODELS),
    ),
]


def _text(value: Any) -> str:
    """Categorical keys and values compare as text: True -> "true", 3 -> "3"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- scorecard structure ------------------------------------------------------------------------


class MissingPoints(_Model):
    points: float = Field(ge=0, le=100)


Missing = Literal["renormalize", "zero"] | MissingPoints
"""What a measure without data counts as: dropped (weights rescale), 0 points, or fixed points."""


class Band(_Model):
    """A colour. `min` is inclusive, `above` exclusive; the last band catches everything below."""

    name: str
    min: float | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Band:
        if (self.min is None) == (self.above is None):
            raise ValueError("a band needs exactly one of `min` (inclusive) or `above` (exclusive)")
        return self

    @property
    def bound(self) -> float:
        return self.min if self.min is not None else self.above  # type: ignore[return-value]


class Suggestion(_Model):
    """A value proposed to the CSM for a hand-rated measure; shown next to the rating, never scored.

    `from` names a metric under `metrics:`; its value picks a band like a `bands` grade
    (value >= bound and < next bound gives that band's value; below the first, the first).
    """

    from_: str = Field(alias="from")
    bands: list[tuple[float, float]] = Field(min_length=1)

    @property
    def rule(self) -> str:
        """The rule in words: `customer_tone below -0.05: 0, >= -0.05: 1, >= 0.25: 2`."""
        steps = self.bands
        parts = [
            f"below {steps[1][0]:g}: {steps[0][1]:g}" if len(steps) > 1 else f"{steps[0][1]:g}"
        ]
        parts += [f">= {x:g}: {v:g}" for x, v in steps[1:]]
        return f"{self.from_} " + ", ".join(parts)


class Measure(_Model):
    metric: Metric
    grade: Grade
    weight: float = Field(default=1.0, gt=0)
    missing: Missing | None = None
    description: str = ""
    suggest: Suggestion | None = Field(default=None, exclude=True)
    """Left out of the version hash: a suggestion never changes a score."""


class Dimension(_Model):
    weight: float = Field(gt=0)
    measures: dict[str, Measure] = Field(min_length=1)
    missing: Missing | None = None
    description: str = ""


class Segment(_Model):
    """Overrides for accounts matching every `when` condition at the as-of date."""

    name: str
    when: dict[str, Condition] = Field(min_length=1)
    bands: list[Band] | None = None
    weights: dict[str, float] = {}
    grades: dict[str, Grade] = {}


class Scorecard(_Model):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    scale: float = Field(default=100, gt=0)
    bands: list[Band] = Field(min_length=1)
    missing: Missing = "renormalize"
    metrics: dict[str, Metric] = {}
    dimensions: dict[str, Dimension] = Field(min_length=1)
    segments: list[Segment] = []

    @property
    def version(self) -> str:
        """First 12 hex of sha256 over the canonical content: comments and layout do not count."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:12]

    def measures(self) -> list[tuple[str, str, Measure]]:
        """(dimension, measure name, measure) in file order."""
        return [
            (d, m, measure)
            for d, dim in self.dimensions.items()
            for m, measure in dim.measures.items()
        ]

    def bands_of(self, segment: str | None) -> list[Band]:
        """The bands of the segment chosen for an account (the base ones without a segment,
        or for a segment that keeps them)."""
        for s in self.segments:
            if s.name == segment and s.bands is not None:
                return s.bands
        return self.bands

    def for_segment(self, segment: Segment) -> Scorecard:
        """The scorecard as it applies to one segment: its weights, grades and bands replace the base."""
        dimensions = {}
        for dim_name, dim in self.dimensions.items():
            measures = {
                m_name: measure.model_copy(
                    update={
                        "weight": segment.weights.get(f"{dim_name}.{m_name}", measure.weight),
                        "grade": segment.grades.get(f"{dim_name}.{m_name}", measure.grade),
                    }
                )
                for m_name, measure in dim.measures.items()
            }
            weight = segment.weights.get(dim_name, dim.weight)
            dimensions[dim_name] = dim.model_copy(update={"weight": weight, "measures": measures})
        update: dict[str, Any] = {"dimensions": dimensions, "segments": []}
        if segment.bands is not None:
            update["bands"] = segment.bands
        return self.model_copy(update=update)


# --- loading ------------------------------------------------------------------------------------


def yaml_to_plain(node: Any) -> Any:
    """A ruamel round-trip tree as plain dicts, lists and Python scalars (for pydantic)."""
    if isinstance(node, dict):
        return {yaml_to_plain(k): yaml_to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [yaml_to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def scorecard_text(ref: str | Path) -> str:
    """The YAML of a file or a bundled template (to copy and adapt)."""
    return _resolve(ref)[0]


def _resolve(ref: str | Path) -> tuple[str, str]:
    """(text, source label) of a file path, a bundled template name, or YAML text."""
    if isinstance(ref, Path):
        path = ref
    elif "\n" in ref or (":" in ref and not Path(ref).exists()):
        return ref, "<text>"
    else:
        template = TEMPLATES / f"{ref}.yaml"
        if re.fullmatch(r"[A-Za-z0-9_-]+", ref) and template.is_file():
            return template.read_text(encoding="utf-8"), f"template {ref}"
        path = Path(ref)
    if not path.is_file():
        raise ScorecardError(
            str(ref),
            [
                ScorecardProblem(
                    "",
                    None,
                    f"no such file or bundled template; bundled templates: "
                    f"{', '.join(bundled_templates()) or '(none)'}",
                )
            ],
        )
    return read_text_file(path), str(path)


def bundled_templates() -> list[str]:
    """Names of the scorecards shipped with Vigie."""
    if not TEMPLATES.is_dir():
        return []
    return sorted(
        p.name.removesuffix(".yaml") for p in TEMPLATES.iterdir() if p.name.endswith(".yaml")
    )


def parse_yaml(text: str, source: str) -> Any:
    """The round-trip YAML tree (keeps line numbers), or ScorecardError with the line."""
    try:
        return YAML(typ="rt").load(text)
    except DuplicateKeyError as exc:  # ruamel's own message tells how to switch the check off
        key = re.search(r'duplicate key "(.*?)"', str(exc.problem))
        first = exc.context_mark.line + 1 if exc.context_mark is not None else "?"
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        message = (
            f"key {key[1] if key else '?'!r} appears twice in one mapping (first at line {first})"
        )
        raise ScorecardError(source, [ScorecardProblem("", line, message)]) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ScorecardError(source, [ScorecardProblem("", line, f"invalid YAML: {exc}")]) from None


def load_scorecard(ref: str | Path, workspace: Workspace | None = None) -> Scorecard:
    """A validated scorecard from a file path, a bundled template name, or YAML text.

    Every problem is reported at once (ScorecardError) and nothing is built from
    a scorecard that does not validate. With a workspace, event names are checked
    against its usage_events too.
    """
    # validate.py builds on this module's models, hence the import here.
    from vigie.scorecard.validate import build_scorecard

    return build_scorecard(*_resolve(ref), workspace)


def workspace_warnings(ref: str | Path, workspace: Workspace) -> list[str]:
    """What `vigie scorecard validate -w` adds for this workspace (event names, segments, plans
    that never occur in it), as warnings: a template scored on a book whose events or segments
    have other names would give every account 0 on those measures, or the default rules,
    without a word."""
    from vigie.scorecard.validate import validate_scorecard

    text, source = _resolve(ref)
    alone = set(validate_scorecard(text, source))
    added = [p for p in validate_scorecard(text, source, workspace) if p not in alone]
    return [
        f"{source} {problem}. Write a scorecard with the names your data uses (vigie scorecard validate FILE -w WORKSPACE)."
        for problem in added
    ]
