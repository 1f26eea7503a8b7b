"""Metric kinds: one small function per kind, from spec to an Ibis table.

Every function receives the *grid* (one row per account_id x as_of) and returns
it with a `value` column: one row per grid row, for all accounts and all dates
at once. Point in time: a fact counts for as-of date D only when its time
column is before D (window w: in [D - w, D)); state at D comes from
`vigie.engine.state`. `METRICS` maps a kind to its function: register a new
kind there.

Speed: kinds that read fact tables are columns of one shared aggregate per fact
table (`vigie.scorecard.facts`), built once per run. The grid of a run is its
*row table*: the account state at D plus the columns of every aggregate
(`Context.with_facts`), so those kinds, and `attribute`, `ratio`, `change`, `slope`
and `per` over them, are projections of the grid (`combine`), and the scorecard
reads all of them in one select, without a join per metric. `change` and `slope`
read their earlier windows from the same aggregates (`Context.at`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

from vigie.engine.state import ACCOUNT_COLUMNS, STATE_COLUMNS
from vigie.scorecard import spec
from vigie.scorecard.facts import INTERVAL_ENDS as INTERVAL_ENDS
from vigie.scorecard.facts import KEYS, Agg, Context, column_name, fact_agg, users_agg
from vigie.scorecard.tone_metric import tone

SHIFTED_IN_PLACE = ("count", "sum", "distinct", "average", "nps")
"""Windowed kinds that read an earlier window from the run's aggregates (`Context.shift`)."""


def evaluate(ctx: Context, metric: Any, grid: ir.Table) -> ir.Table:
    """account_id, as_of, value for every row of `grid` (unique on account_id, as_of)."""
    key = ("value", metric.kind, metric.model_dump_json(), grid.op(), ctx.shift)
    return ctx.kept(key, lambda: METRICS[metric.kind](ctx, metric, grid))


def value_on(grid: ir.Table, table: ir.Table) -> ir.Value | None:
    """`table`'s value as an expression over `grid`, when `table` is a projection of it."""
    op = table.op()
    if isinstance(op, ops.Project) and op.parent == grid.op() and "value" in op.values:
        return op.values["value"].to_expr()
    return None


def gather(grid: ir.Table, tables: dict[str, ir.Table], **columns: ir.Value) -> ir.Table:
    """KEYS, `columns` (over `grid`) and each table's value under its name.

    One select of `grid` for the tables that are projections of it; the others are joined.
    """
    direct = {name: value_on(grid, t) for name, t in tables.items()}
    wide = grid.select(*KEYS, **columns, **{n: v for n, v in direct.items() if v is not None})
    for name, table in tables.items():
        if direct[name] is None:
            wide = wide.join(table.select(*KEYS, **{name: table.value}), KEYS)
    return wide.select(*KEYS, *columns, *tables)


def combine(grid: ir.Table, tables: list[ir.Table], f: Callable[..., ir.Value]) -> ir.Table:
    """KEYS and value = f(the tables' values): a projection of `grid` when they all are."""
    values = [value_on(grid, t) for t in tables]
    if all(v is not None for v in values):
        return grid.select(*KEYS, value=f(*values))
    wide = gather(grid, {f"v{i}": t for i, t in enumerate(tables)})
    return wide.select(*KEYS, value=f(*(wide[f"v{i}"] for i in range(len(tables)))))


def _found(
    ctx: Context,
    agg: Agg,
    grid: ir.Table,
    f: Callable[[ir.Value, ir.Table], ir.Value] | None = None,
) -> ir.Table:
    """Every grid row with f(the aggregate's value, row) as `value` (NULL: no facts)."""
    f = f or (lambda value, _row: value)
    plan = ctx.plans.get(agg.table)
    name = column_name(plan, agg) if plan is not None and agg in plan.aggs else None
    if name is not None and name in grid.columns:
        return grid.select(*KEYS, value=f(grid[name], grid))
    table, name = ctx.aggregated(agg)
    joined = grid.select(*KEYS).left_join(table, KEYS)
    return joined.select(*KEYS, value=f(joined[name], joined))


def _on_grid(grid: ir.Table, values: ir.Table, fill: Any = None) -> ir.Table:
    """Dense result: every grid row, with `fill` where `values` has no row."""
    joined = grid.select(*KEYS).left_join(values, KEYS)
    value = joined.value if fill is None else joined.value.fill_null(fill)
    return joined.select(*KEYS, value=value)


def _seats(ctx: Context, grid: ir.Table) -> ir.Table:
    """Licensed seats at each row's as_of, `ctx.shift` days back."""
    if not ctx.shift:
        state = ctx.state(grid)
        return state.select(*KEYS, value=state.seats.cast("float64"))
    days = ibis.interval(days=ctx.shift)
    state = ctx.state(grid.select("account_id", as_of=grid.as_of - days))
    return state.select("account_id", as_of=state.as_of + days, value=state.seats.cast("float64"))


def _counted(ctx: Context, m: Any, grid: ir.Table) -> ir.Table:
    """count / sum / distinct: 0 without facts, then divided by seats or active users if `per`."""
    found = _found(ctx, fact_agg(m, ctx.shift), grid)
    if m.per is None:
        return combine(grid, [found], lambda v: v.fill_null(0.0))
    seats = m.per == "seats"
    divisor = _seats(ctx, grid) if seats else _found(ctx, users_agg(m, ctx.shift), grid)
    return combine(grid, [found, divisor], lambda v, d: v.fill_null(0.0) / d.nullif(0))


# --- metric kinds -------------------------------------------------------------------------------


def count(ctx: Context, m: spec.CountMetric, grid: ir.Table) -> ir.Table:
    return _counted(ctx, m, grid)


def sum_(ctx: Context, m: spec.SumMetric, grid: ir.Table) -> ir.Table:
    return _counted(ctx, m, grid)


def distinct(ctx: Context, m: spec.DistinctMetric, grid: ir.Table) -> ir.Table:
    return _counted(ctx, m, grid)


def average(ctx: Context, m: spec.AverageMetric, grid: ir.Table) -> ir.Table:
    return _found(ctx, fact_agg(m, ctx.shift), grid)


def nps(ctx: Context, m: spec.NpsMetric, grid: ir.Table) -> ir.Table:
    return _found(ctx, fact_agg(m, ctx.shift), grid)


def latest(ctx: Context, m: spec.LatestMetric, grid: ir.Table) -> ir.Table:
    return _found(ctx, fact_agg(m), grid)


def days_since(ctx: Context, m: spec.DaysSinceMetric, grid: ir.Table) -> ir.Table:
    def days(last: ir.Value, row: ir.Table) -> ir.Value:
        return row.as_of.delta(last, unit="day").cast("float64")

    return _found(ctx, fact_agg(m), grid, days)


def exists(ctx: Context, m: spec.ExistsMetric, grid: ir.Table) -> ir.Table:
    return _found(ctx, fact_agg(m), grid, lambda found, _row: found.fill_null(False))


def ratio(ctx: Context, m: spec.RatioMetric, grid: ir.Table) -> ir.Table:
    a = evaluate(ctx, ctx.named(m.ratio[0]), grid)
    b = evaluate(ctx, ctx.named(m.ratio[1]), grid)
    return combine(grid, [a, b], lambda a, b: a.cast("float64") / b.nullif(0))


def _shifted(ctx: Context, metric: Any, grid: ir.Table, days: int) -> ir.Table:
    """The metric evaluated `days` before each grid row's as_of, keyed by the row's as_of.

    Fact-reading kinds read the earlier window from the run's aggregates; any other
    windowed kind (`tone`) is evaluated on a grid of the earlier dates.
    """
    if metric.kind in SHIFTED_IN_PLACE:
        return evaluate(ctx.at(days), metric, grid)
    back = grid.select("account_id", as_of=grid.as_of - ibis.interval(days=days)).distinct()
    values = evaluate(ctx, metric, back)
    return values.mutate(as_of=values.as_of + ibis.interval(days=days))


def change(ctx: Context, m: spec.ChangeMetric, grid: ir.Table) -> ir.Table:
    """Percent change, of the base's size: NPS from -100 to +20 is +120 %, a rise (divided
    by the signed base it would read -120 %, the worst grade)."""
    inner = ctx.named(m.change)
    days = spec.window_days(inner.window) if m.vs == "previous" else 365
    now = evaluate(ctx, inner, grid)
    before = _shifted(ctx, inner, grid, days)
    return combine(
        grid, [now, before], lambda now, before: 100.0 * (now - before) / before.abs().nullif(0)
    )


def slope(ctx: Context, m: spec.SlopeMetric, grid: ir.Table) -> ir.Table:
    """Least-squares slope of the last N weekly values, in percent of their mean's size per
    week (a tone rising from -0.8 towards 0 has a positive slope).

    Weeks without a value (NULL) are left out of the fit.
    """
    weekly = ctx.named(m.slope).model_copy(update={"window": "7d"})
    parts = [_shifted(ctx, weekly, grid, 7 * (m.weeks - 1 - x)) for x in range(m.weeks)]

    def fit(*values: ir.Value) -> ir.Value:
        ys = [v.cast("float64") for v in values]
        known = [ibis.ifelse(y.isnull(), 0, 1) for y in ys]
        n = _total(known)
        sx = _total([k * x for x, k in enumerate(known)])
        sxx = _total([k * (x * x) for x, k in enumerate(known)])
        sy = _total([y.fill_null(0.0) for y in ys])
        sxy = _total([y.fill_null(0.0) * x for x, y in enumerate(ys)])
        beta = (n * sxy - sx * sy) / (n * sxx - sx * sx).nullif(0)
        return 100.0 * beta / (sy / n.nullif(0)).abs().nullif(0)

    return combine(grid, parts, fit)


def _total(values: list[ir.Value]) -> ir.Value:
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def percentile(ctx: Context, m: spec.PercentileMetric, grid: ir.Table) -> ir.Table:
    """Percent rank 0-100 among accounts of the grid with the same `among` value at D."""
    values = evaluate(ctx, ctx.named(m.percentile), grid)
    known = values.filter(values.value.notnull())
    peers = ctx.state(grid).join(known, KEYS)
    rank = ibis.percent_rank().over(group_by=["as_of", m.among], order_by=peers.value)
    found = peers.select(*KEYS, value=(rank * 100.0).cast("float64"))
    return _on_grid(grid, found)


def attribute(ctx: Context, m: spec.AttributeMetric, grid: ir.Table) -> ir.Table:
    state = ctx.state(grid)
    return state.select(*KEYS, value=state[m.attribute])


def sql(ctx: Context, m: spec.SqlMetric, grid: ir.Table) -> ir.Table:
    """Admin escape hatch: an SQL expression over the account's row at D (`account_row`):
    its non-current columns and its state at D (arr, seats, plan, days_to_renewal, ...),
    so the expression cannot read today's state."""
    fields = [*ACCOUNT_COLUMNS, "as_of", *(c for c in STATE_COLUMNS if c != "active")]
    row = ctx.state(grid).select(*fields).alias("account_row")
    # Table.sql asks the backend for the query's schema, so the run's in-memory tables (its
    # dates) must exist there first; Ibis otherwise creates them only when executing.
    ctx.workspace.con._register_in_memory_tables(row)
    values = row.sql(f"SELECT account_id, as_of, ({m.sql}) AS value FROM account_row")
    joined = grid.select(*KEYS).left_join(values, KEYS)
    return joined.select(*KEYS, value=joined.value)


METRICS: dict[str, Callable[[Context, Any, ir.Table], ir.Table]] = {
    "count": count,
    "sum": sum_,
    "distinct": distinct,
    "average": average,
    "ratio": ratio,
    "days_since": days_since,
    "exists": exists,
    "latest": latest,
    "nps": nps,
    "change": change,
    "slope": slope,
    "percentile": percentile,
    "attribute": attribute,
    "sql": sql,
    "tone": tone,
}
