"""Compile a scorecard into ONE Ibis expression over the accounts x as-of dates grid.

The result is wide: one row per active account and as-of date, with every
measure's raw value, points, weight and contribution, every dimension's score
and coverage, the composite, its band and coverage. Segment overrides are
CASE expressions on the segment chosen at D, so all segments run in the same query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd
import sqlglot as sg
import sqlglot.expressions as sge
from ibis.backends.sql.compilers.base import SQLGlotCompiler

from vigie.engine.overrides import applicable_overrides
from vigie.engine.state import account_state
from vigie.scorecard import spec
from vigie.scorecard.facts import KEYS, Context, condition, plan_facts
from vigie.scorecard.grading import grade
from vigie.scorecard.metrics import evaluate, gather
from vigie.workspace import Workspace

OVERALL = "overall"
DIGITS = 9
"""Scores and coverage are rounded to 9 decimals, so float noise (29.999999999999996 for an
exact 30, coverage 1.0000000000000002) never moves a score across a band bound."""


def to_scale(score: ir.NumericValue, scale: float) -> ir.NumericValue:
    """A 0-100 score in the scorecard's units. Multiplied first: 30 * 3 / 100 is exactly 0.9,
    where 30 * (3 / 100) is 0.8999999999999999 and would miss a band starting at 0.9."""
    return (score * scale / 100.0).round(DIGITS)


@dataclass(frozen=True)
class MeasureSlot:
    """Where a measure's columns live in the wide result (m{index}_raw, ...)."""

    index: int
    dimension: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.dimension}.{self.name}"


@dataclass(frozen=True)
class Compiled:
    expr: ir.Table
    measures: list[MeasureSlot]
    dimensions: list[str]


def _variants(card: spec.Scorecard) -> list[tuple[str | None, spec.Scorecard]]:
    """(segment name, effective scorecard): base first (segment None)."""
    return [(None, card)] + [(s.name, card.for_segment(s)) for s in card.segments]


def _by_segment(rule: ir.StringValue, variants: list, value_of) -> Any:
    """A CASE on the segment chosen at D when the value differs from the base one."""
    base = value_of(variants[0][1])
    cases = [(rule == name, value_of(v)) for name, v in variants[1:] if value_of(v) != base]
    if not cases:
        return base
    return ibis.cases(*cases, else_=base)


def _segment_rule(card: spec.Scorecard, state: ir.Table) -> ir.StringValue:
    """First matching segment at D (conditions on attributes as of D), NULL = base scorecard."""
    cases = [
        (ibis.and_(*(condition(state[k], v) for k, v in s.when.items())), s.name)
        for s in card.segments
    ]
    if not cases:
        return ibis.null("string")
    return ibis.cases(*cases, else_=ibis.null("string"))


def band_of(bands: list[spec.Band], scaled: ir.NumericValue) -> ir.StringValue:
    """Bands ordered high to low: `min` inclusive, `above` exclusive, the last catches the rest."""
    cases = [
        (scaled >= b.min if b.min is not None else scaled > b.above, b.name) for b in bands[:-1]
    ]
    last = bands[-1].name
    band = ibis.cases(*cases, else_=last) if cases else ibis.literal(last)
    return ibis.ifelse(scaled.isnull(), ibis.null("string"), band)


def _missing_points(policy: spec.Missing) -> float | None:
    if policy == "renormalize":
        return None
    if policy == "zero":
        return 0.0
    return policy.points


def _sum(values: list[ir.NumericValue]) -> ir.NumericValue:
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def compile_scores(
    workspace: Workspace, card: spec.Scorecard, dates: list[dt.date], cache: bool = True
) -> Compiled:
    """The wide score table of `card` for every account active at each date of `dates`.

    One query on DuckDB. Elsewhere, with `cache`, stages are materialised now (see
    below); they live as long as the returned expression does.
    """
    # DuckDB plans the scorecard best as ONE query: materialising the state, the row table
    # and the points (three temporary tables, one insert each) cost more than it saved
    # (saas-standard, 100k accounts, one date: 2.4 s -> 1.3 s of DuckDB time; 52 weekly
    # dates x 10k accounts: 9.7 s -> 9.3 s, peak RSS 2.6 -> 2.1 GB). PostgreSQL does not
    # finish that query in minutes even on the 4-account test data: it gets the three
    # stages. Spark reuses identical subtrees inside one query but runs every cached table
    # as its own jobs: it gets the state and points stages (tests/scoring on Spark:
    # reference scores 24.7 s -> 12.4 s, persistence 18.2 s -> 12.7 s).
    backend = workspace.con.name
    staged = cache and backend != "duckdb"
    plans = plan_facts(card, dates)
    ctx = Context(workspace, card, plans, dates=tuple(sorted(set(dates))))
    dates_and_bounds = ctx.bounds()
    if staged:  # register the in-memory dates first: Ibis's PySpark `.cache()` skips that step
        workspace.con.execute(dates_and_bounds.count())
    state = _stage(account_state(workspace, dates_and_bounds.select("as_of")), staged)
    active = state.filter(state.active)
    # the state and every fact aggregate in one table: the measures read it (projections,
    # joins of the table-valued kinds)
    row = _stage(ctx.with_facts(active), staged and backend != "pyspark")
    slots = [MeasureSlot(i, d, m) for i, (d, m, _) in enumerate(card.measures())]
    raws = {
        f"m{slot.index}_raw": evaluate(ctx, measure.metric, row)
        for slot, (_, _, measure) in zip(slots, card.measures(), strict=True)
    }
    wide = gather(
        row,
        raws,
        parent_account_id=row.parent_account_id,
        arr=row.arr,
        segment_rule=_segment_rule(card, row),
    )
    overrides = applicable_overrides(
        workspace, card.name, dates_and_bounds.select("as_of"), [s.key for s in slots]
    )
    values = [c for c in overrides.columns if c not in KEYS]
    wide = wide.left_join(overrides, KEYS).select(*wide.columns, *values)

    variants = _variants(card)
    rule = wide.segment_rule
    cols: dict[str, ir.Value] = {}
    for slot in slots:
        raw, over = wide[f"m{slot.index}_raw"], wide[f"ov_{slot.index}"]
        measure = card.dimensions[slot.dimension].measures[slot.name]

        def rule_of(v: spec.Scorecard, s: MeasureSlot = slot) -> Any:
            return v.dimensions[s.dimension].measures[s.name].grade

        if any(rule_of(v) != rule_of(card) for _, v in variants[1:]):  # graded per segment
            graded = ibis.cases(
                *[(rule == n, grade(rule_of(v), raw)) for n, v in variants[1:]],
                else_=grade(rule_of(card), raw),
            )
        else:
            graded = grade(rule_of(card), raw)
        policy = measure.missing or card.dimensions[slot.dimension].missing or card.missing
        fallback = _missing_points(policy)
        points = ibis.coalesce(over, graded)
        if fallback is not None:
            points = ibis.coalesce(points, ibis.literal(fallback, type="float64"))
        weight = _by_segment(
            rule,
            variants,
            lambda v, s=slot: float(v.dimensions[s.dimension].measures[s.name].weight),
        )
        cols[f"m{slot.index}_points"] = points
        cols[f"m{slot.index}_has_data"] = over.notnull() | graded.notnull()  # no category: missing
        cols[f"m{slot.index}_overridden"] = over.notnull()
        cols[f"_m{slot.index}_w"] = ibis.literal(1.0) * weight
    for d in card.dimensions:
        cols[f"_d_{d}_w"] = ibis.literal(1.0) * _by_segment(
            rule, variants, lambda v, d=d: float(v.dimensions[d].weight)
        )
    wide = wide.mutate(**cols)

    dim_parts: dict[str, list[tuple[MeasureSlot, ir.Value, ir.Value, ir.Value]]] = {}
    for slot in slots:
        i = slot.index
        dim_parts.setdefault(slot.dimension, []).append(
            (slot, wide[f"m{i}_points"], wide[f"_m{i}_w"], wide[f"m{i}_has_data"])
        )
    cols = {}
    for d, parts in dim_parts.items():
        num = _sum([ibis.ifelse(p.isnull(), 0.0, p * w) for _, p, w, _ in parts])
        den = _sum([ibis.ifelse(p.isnull(), 0.0, w) for _, p, w, _ in parts])
        cols[f"_d_{d}_den"] = den
        cols[f"d_{d}_score"] = (num / den.nullif(0.0)).round(DIGITS)
        covered = _sum([ibis.ifelse(h, w, 0.0) for _, _, w, h in parts])
        cols[f"d_{d}_coverage"] = (covered / _sum([w for _, _, w, _ in parts])).round(DIGITS)
    # points are inlined into the dimension scores here (a few copies each); where the run is
    # staged, caching this step keeps them from being inlined again into the composite,
    # bands and weights
    wide = _stage(wide.mutate(**cols), staged)

    dim_scores = {d: wide[f"d_{d}_score"] for d in dim_parts}
    dim_weights = {d: wide[f"_d_{d}_w"] for d in dim_parts}
    comp_num = _sum(
        [ibis.ifelse(s.isnull(), 0.0, s * dim_weights[d]) for d, s in dim_scores.items()]
    )
    comp_den = _sum([ibis.ifelse(s.isnull(), 0.0, dim_weights[d]) for d, s in dim_scores.items()])
    all_w = _sum(list(dim_weights.values()))
    computed = comp_num / comp_den.nullif(0.0)
    scale = card.scale
    overall = wide[f"ov_{OVERALL}"] * 100.0 / scale
    coverage = _sum([wide[f"d_{d}_coverage"] * dim_weights[d] for d in dim_scores]) / all_w
    cols = {
        "score": ibis.coalesce(overall, computed).round(DIGITS),
        "_comp_den": comp_den,
        "coverage": coverage.round(DIGITS),
        "overridden": overall.notnull(),
        "override_reason": wide[f"ov_{OVERALL}_reason"],
    }
    wide = wide.mutate(**cols)

    score, comp_den, rule = wide.score, wide._comp_den, wide.segment_rule
    scaled = to_scale(score, scale)
    band_cases = [(rule == n, band_of(v.bands, scaled)) for n, v in variants[1:]]
    base_band = band_of(card.bands, scaled)
    cols = {
        "score_scaled": scaled,
        "band": ibis.cases(*band_cases, else_=base_band) if band_cases else base_band,
    }
    for d in dim_parts:
        s = wide[f"d_{d}_score"]
        s_scaled = to_scale(s, scale)
        dim_band = [(rule == n, band_of(v.bands, s_scaled)) for n, v in variants[1:]]
        base = band_of(card.bands, s_scaled)
        cols[f"d_{d}_band"] = ibis.cases(*dim_band, else_=base) if dim_band else base
        share = ibis.ifelse(s.isnull(), 0.0, wide[f"_d_{d}_w"] / comp_den.nullif(0.0))
        cols[f"d_{d}_weight"] = share
        for slot in (p[0] for p in dim_parts[d]):
            i = slot.index
            p, w = wide[f"m{i}_points"], wide[f"_m{i}_w"]
            den = wide[f"_d_{d}_den"].nullif(0.0)
            eff = ibis.ifelse(p.isnull(), 0.0, share * w / den).fill_null(0.0)
            cols[f"m{i}_weight"] = eff
            cols[f"m{i}_contribution"] = p.fill_null(0.0) * eff
    expr = wide.mutate(**cols)
    shown = [c for c in expr.columns if not c.startswith(("_", "ov_"))]  # not a set: SQL order
    return Compiled(expr.select(*shown), slots, list(dim_parts))


def _stage(table: ir.Table, cache: bool) -> ir.Table:
    """Materialise a stage of the computation when the run is staged (see compile_scores).

    The cached table is cast back to the types Ibis computed: Spark stores a float
    literal such as `1.0` as a DECIMAL column, which would otherwise leak into the scores.
    """
    return table.cache().cast(table.schema()) if cache else table


def compile_sql(workspace: Workspace, card: spec.Scorecard, as_of: dt.date) -> str:
    """The SQL the workspace's backend runs to score `card` as of one date (nothing cached),
    runnable as it is: the small tables Ibis uploads before running it (the run's dates and
    window bounds, overrides in force) are written into it as CTEs of literal rows."""
    expr = compile_scores(workspace, card, [as_of], cache=False).expr
    compiler = workspace.con.compiler
    query = compiler.to_sqlglot(expr)
    before = len(query.args["with"].expressions) if query.args.get("with") else 0
    for table in expr.op().find(ops.InMemoryTable):
        query = query.with_(
            sg.to_identifier(table.name, quoted=True), as_=_literal_rows(table, compiler)
        )
    if with_ := query.args.get("with"):  # first: the query's own CTEs may read them (`sql:`)
        with_.set("expressions", with_.expressions[before:] + with_.expressions[:before])
    return query.sql(dialect=compiler.dialect, pretty=True)


def _literal_rows(table: ops.InMemoryTable, compiler: SQLGlotCompiler) -> sge.Query:
    """SELECT <row 1> UNION ALL SELECT <row 2> ...; no row: one of NULLs, filtered out."""
    types = dict(table.schema.items())
    frame = table.data.to_frame()
    rows = list(frame.itertuples(index=False)) or [tuple(None for _ in types)]

    def cell(value: object, name: str) -> sge.Expression:
        if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
            literal = sge.null()
        elif isinstance(value, dt.date | pd.Timestamp):  # cast below from its ISO text
            literal = sge.Literal.string(str(value))
        else:
            literal = sge.convert(value.item() if hasattr(value, "item") else value)
        target = compiler.type_mapper.from_ibis(types[name])
        return sge.cast(literal, to=target).as_(name, quoted=True)

    selects = [sge.select(*(cell(v, n) for v, n in zip(row, types, strict=True))) for row in rows]
    if frame.empty:
        selects = [selects[0].where(sge.false())]
    query: sge.Query = selects[0]
    for select in selects[1:]:
        query = sge.union(query, select, distinct=False)
    return query
