"""Signal settings: a YAML file validated by pydantic, on top of the bundled defaults.

A team's file only lists what it changes; every other value comes from
`defaults.yaml`. A file that does not validate is refused with every problem
and its YAML line, never half-applied.
"""

from __future__ import annotations

from collections.abc import Collection
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from ruamel.yaml import YAML, YAMLError

from vigie.errors import SignalConfigError
from vigie.schema import INTERACTION_KINDS, SENTIMENT_REASONS, SEVERITIES
from vigie.scorecard.spec import TEXT_DIRECTIONS
from vigie.textfile import read_text_file

if TYPE_CHECKING:
    from vigie.workspace import Workspace

DEFAULTS = resources.files("vigie.signals") / "defaults.yaml"

Positive = Field(gt=0)

Names = TypeVar("Names", list[str], dict[str, float])


def _only_known(values: Names, allowed: Collection[str], what: str, hint: str = "use") -> Names:
    """`values` (names, or a mapping keyed by name) when every name is in `allowed`."""
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; {hint} {list(allowed)}")
    return values


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoreDirection(_Section):
    scorecard: str | None = None
    """Whose stored scores are compared; None: the most recently scored (compared_scorecard)."""
    drop_30d: float = Positive
    drop_90d: float = Positive
    urgent_drop: float = Positive
    dimension_drop: float = Positive
    urgent_dimension_drop: float = Positive
    slope_weeks: int = Field(ge=3)
    slope_per_week: float = Field(lt=0)
    tolerance_days: int = Field(ge=0)


class Usage(_Section):
    recent_days: int = Positive
    baseline_days: int = Positive
    drop_ratio: float = Field(gt=0, lt=1)
    users_ratio: float = Field(gt=0, lt=1)
    min_baseline_per_day: float = Field(ge=0)
    frequent_days: int = Positive
    frequent_ratio: float = Field(gt=0, lt=1)
    seasonal_tolerance: float = Field(ge=0)

    @model_validator(mode="after")
    def _frequent_fits(self) -> Usage:
        if self.frequent_days > self.recent_days:
            raise ValueError("frequent_days cannot exceed recent_days")
        return self


class Features(_Section):
    key_features: list[str] = Field(min_length=1)
    min_baseline_uses: float = Positive


class Contacts(_Section):
    lookback_days: int = Positive


class Support(_Section):
    window_days: int = Positive
    repeat_topic_min: int = Field(ge=2)
    escalations_min: int = Positive
    sla_hours: dict[str, float]

    @field_validator("sla_hours")
    @classmethod
    def _known_severities(cls, hours: dict[str, float]) -> dict[str, float]:
        return _only_known(hours, SEVERITIES, "severities")


class Renewal(_Section):
    within_days: int = Positive


class Payments(_Section):
    window_days: int = Positive
    grace_days: int = Field(ge=0)


class Voice(_Section):
    promoter_min: float = Field(ge=0, le=10)
    window_days: int = Positive
    usage_percentile_max: float = Field(gt=0, le=100)


class Touch(_Section):
    days: int = Positive
    meaningful_kinds: list[str] = Field(min_length=1)

    @field_validator("meaningful_kinds")
    @classmethod
    def _known_kinds(cls, kinds: list[str]) -> list[str]:
        return _only_known(kinds, INTERACTION_KINDS, "interaction kinds")


class Peers(_Section):
    window_days: int = Positive
    percentile_max: float = Field(gt=0, le=100)
    size_bands: list[int] = Field(min_length=1)

    @field_validator("size_bands")
    @classmethod
    def _increasing(cls, bounds: list[int]) -> list[int]:
        if bounds != sorted(set(bounds)):
            raise ValueError("size_bands must be strictly increasing seat counts")
        return bounds


class Sentiment(_Section):
    stale_days: int = Positive
    reasons: list[str] = Field(min_length=1)

    @field_validator("reasons")
    @classmethod
    def _known_reasons(cls, reasons: list[str]) -> list[str]:
        return _only_known(reasons, SENTIMENT_REASONS, "reasons", "the sentiments table accepts")


class Tone(_Section):
    recent_days: int = Positive
    baseline_days: int = Positive
    min_texts: int = Positive
    fall: float = Field(gt=0, le=2)
    negative: float = Field(ge=-1, le=1)
    directions: list[str] = Field(min_length=1)
    intent_days: int = Positive
    promoter_min: float = Field(ge=0, le=10)
    nps_window_days: int = Positive
    excerpt_chars: int = Field(ge=20)

    @field_validator("directions")
    @classmethod
    def _known_directions(cls, directions: list[str]) -> list[str]:
        return _only_known(directions, TEXT_DIRECTIONS, "directions", "texts have")


class SignalConfig(_Section):
    score_direction: ScoreDirection
    usage: Usage
    features: Features
    contacts: Contacts
    support: Support
    renewal: Renewal
    payments: Payments
    voice: Voice
    touch: Touch
    peers: Peers
    sentiment: Sentiment
    tone: Tone


def _load_yaml(text: str, source: str) -> Any:
    try:
        tree = YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise SignalConfigError(f"Signal config {source} refused: {line}invalid YAML.") from None
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        raise SignalConfigError(f"Signal config {source} refused: expected a mapping of sections.")
    return tree


def _line(tree: Any, loc: tuple) -> int | None:
    """1-based YAML line of the deepest key of `loc` present in the round-trip tree."""
    line = None
    node = tree
    for key in loc:
        if isinstance(node, dict) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    return line


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


WORKSPACE_FILE = "signals.yaml"
"""A team's settings kept in the workspace folder: every command, page and alert reads them."""


def load_config(path: Path | str | None = None, workspace: Workspace | None = None) -> SignalConfig:
    """The bundled defaults, with the sections of `path` laid over them; without `path`, those
    of the workspace's signals.yaml when it has one (so the worklist, the pages and the alerts
    fire the signals `vigie signals` stores)."""
    if path is None and workspace is not None and (workspace.root / WORKSPACE_FILE).is_file():
        path = workspace.root / WORKSPACE_FILE
    merged = _plain(_load_yaml(DEFAULTS.read_text(encoding="utf-8"), "defaults.yaml"))
    tree: Any = {}
    source = "defaults.yaml"
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise SignalConfigError(f"Signal config {path} not found: pass an existing YAML file.")
        source = str(path)
        tree = _load_yaml(read_text_file(path), source)
        for section, values in _plain(tree).items():
            if isinstance(values, dict) and isinstance(merged.get(section), dict):
                merged[section] = {**merged[section], **values}
            else:
                merged[section] = values
    try:
        return SignalConfig.model_validate(merged)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if p != "__root__")
            line = _line(tree, loc)
            where = f"line {line}" if line else "line ?"
            problems.append(f"  {source}: {where} {'.'.join(map(str, loc))}: {err['msg']}")
        raise SignalConfigError(
            f"Signal config {source} refused: {len(problems)} problem(s).\n" + "\n".join(problems)
        ) from None


def compared_scorecard(config: SignalConfig, workspace: Workspace) -> str:
    """The scorecard whose stored scores the score signals, dimension votes and review queue
    compare: the configured one, else the most recently scored (a team scoring its own
    scorecard gets its drops and reviews without configuring anything), else saas-standard."""
    from vigie.engine.history import latest_scorecard
    from vigie.engine.scoring import SNAPSHOTS

    if config.score_direction.scorecard is not None:
        return config.score_direction.scorecard
    if SNAPSHOTS in workspace.con.list_tables():
        return latest_scorecard(workspace.con.table(SNAPSHOTS)) or "saas-standard"
    return "saas-standard"
