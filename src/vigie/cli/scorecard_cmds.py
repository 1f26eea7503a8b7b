"""`vigie scorecard validate|show|templates`: check and read scorecards before using them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.table import Table as RichTable
from rich.text import Text

from vigie.cli.app import app, console, open_workspace
from vigie.scorecard.named import in_workspace
from vigie.scorecard.spec import Band, Scorecard, bundled_templates, load_scorecard, scorecard_text

scorecard_app = typer.Typer(
    help="Check, read and list scorecards (YAML files or bundled templates).",
    no_args_is_help=True,
)
app.add_typer(scorecard_app, name="scorecard")

RefArgument = Annotated[
    str, typer.Argument(help="A scorecard YAML file or a bundled template name.")
]
OptionalWorkspace = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="VIGIE_WORKSPACE",
        help="Also check event names against this workspace's usage_events.",
    ),
]


def load_checked(ref: str, workspace: Path | None = None) -> Scorecard:
    """The scorecard, or ScorecardError listing every problem (event names too, with a workspace)."""
    if workspace is None:
        return load_scorecard(ref)
    with open_workspace(workspace) as ws:
        return load_scorecard(in_workspace(ref, workspace), ws)


@scorecard_app.command("validate")
def validate_cmd(ref: RefArgument, workspace: OptionalWorkspace = None) -> None:
    """Report every problem of a scorecard with its YAML path and line; exit 2 if any."""
    scorecard = load_checked(ref, workspace)
    console.print(f"OK: scorecard [bold]{scorecard.name}[/] version {scorecard.version}")


@scorecard_app.command("templates")
def templates_cmd() -> None:
    """List the scorecards bundled with Vigie (usable by name)."""
    grid = RichTable(title="Bundled scorecard templates", title_justify="left")
    for heading in ("name", "scale", "description"):
        grid.add_column(heading)
    for name in bundled_templates():
        scorecard = load_checked(name)
        grid.add_row(name, f"/{scorecard.scale:g}", scorecard.description)
    console.print(grid)


@scorecard_app.command("show")
def show_cmd(
    ref: RefArgument,
    as_yaml: Annotated[
        bool, typer.Option("--yaml", help="Print the YAML itself, e.g. a template to copy.")
    ] = False,
) -> None:
    """Dimensions and measures with their share of the score, grading rules, bands and segments."""
    scorecard = load_checked(ref)
    if as_yaml:
        print(scorecard_text(ref), end="")
        return
    console.print(
        f"[bold]{scorecard.name}[/] version {scorecard.version}, scale /{scorecard.scale:g}, "
        f"missing data: {_missing(scorecard.missing)}"
    )
    if scorecard.description:
        console.print(scorecard.description)
    console.print(Text(f"Bands: {_bands(scorecard.bands)}"))
    console.print(_measures_table(scorecard))
    for segment in scorecard.segments:
        changes = [f"when {_flow(segment.when)}"]
        if segment.weights:
            changes.append(f"weights {_flow(segment.weights)}")
        changes += [f"{key} graded {_grade(grade)}" for key, grade in segment.grades.items()]
        if segment.bands is not None:
            changes.append(f"bands {_bands(segment.bands)}")
        console.print(Text(f"Segment {segment.name}: " + "; ".join(changes)))
        if segment.weights:
            console.print(_measures_table(scorecard.for_segment(segment)))


def _measures_table(scorecard: Scorecard) -> RichTable:
    """Weights normalised to percent, as the engine applies them when every measure has data."""
    grid = RichTable(title_justify="left")
    for heading in ("dimension / measure", "% of dim", "% of score", "metric, grading"):
        grid.add_column(heading, overflow="fold")
    total = sum(d.weight for d in scorecard.dimensions.values())
    for dim_name, dim in scorecard.dimensions.items():
        dim_share = dim.weight / total
        in_dim = sum(m.weight for m in dim.measures.values())
        grid.add_row(Text(dim_name, style="bold"), "", Text(f"{dim_share:.1%}", style="bold"), "")
        for m_name, measure in dim.measures.items():
            share = measure.weight / in_dim
            missing = measure.missing or dim.missing
            rule = _flow(_stated(measure.metric.model_dump()))
            rule += "\ngraded " + _grade(measure.grade)
            rule += f"\nmissing: {_missing(missing)}" if missing else ""
            rule += (
                f"\nsuggests a hand value from {measure.suggest.rule}" if measure.suggest else ""
            )
            grid.add_row(f"  {m_name}", f"{share:.1%}", f"{dim_share * share:.1%}", Text(rule))
    return grid


def _stated(fields: dict[str, Any]) -> dict[str, Any]:
    """Every field with a value, defaults included: an NPS window or a change's baseline is
    part of what the measure means even when the YAML leaves it out."""
    return {key: value for key, value in fields.items() if value not in (None, {}, [])}


def _bands(bands: list[Band]) -> str:
    parts = []
    for i, band in enumerate(bands):
        if i == len(bands) - 1:
            parts.append(f"{band.name} below")
        elif band.above is not None:
            parts.append(f"{band.name} > {band.above:g}")
        else:
            parts.append(f"{band.name} >= {band.bound:g}")
    return ", ".join(parts)


def _grade(grade: Any) -> str:
    """A grading rule in words: which values get which points."""
    if grade.kind == "linear":
        points = ", ".join(f"{x:g}->{p:g}" for x, p in grade.linear)
        return f"linear {points} (clamped)"
    if grade.kind == "bands":
        steps = grade.bands
        parts = [
            f"below {steps[1][0]:g}: {steps[0][1]:g}" if len(steps) > 1 else f"{steps[0][1]:g}"
        ]
        parts += [f">= {x:g}: {p:g}" for x, p in steps[1:]]
        return "bands " + ", ".join(parts)
    if grade.kind == "categorical":
        parts = [f"{value}: {p:g}" for value, p in grade.categorical.items()]
        if grade.default is not None:
            parts.append(f"other: {grade.default:g}")
        return "categorical " + ", ".join(parts)
    return f"points value/{grade.points.max:g} x 100"


def _missing(policy: Any) -> str:
    return policy if isinstance(policy, str) else f"{policy.points:g} points"


def _flow(value: Any) -> str:
    """A compact YAML flow rendering, as a user would write it."""
    if isinstance(value, BaseModel):  # a Range: the ends the YAML gives
        value = value.model_dump(exclude_none=True)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
