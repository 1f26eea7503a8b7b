"""Metric kinds: one small function per kind, from spec to an Ibis table.

Every function receives the *grid* (one row per account_id x as_of) and returns
it with a `value` column: one row per grid row, for all accounts and all dates
at once. Point in time: a fact counts for as-of date D only when its time
column is before D (window w: in [D - w, D)); state at D comes from
`vigie.engine.state`. `METRICS` maps a kind to its function: register a new
kind there.

Speed: shared work is built once per run and reused by every metric through the
`Context` memos (the same Python object, so Ibis emits it once): the account
state per set of dates, and per (fact table, static `where`) a per-account-per-day
pre-aggregate. Windowed metrics join the grid to these small daily tables on
account_id with day in [D - w, D) instead of to raw facts. With `cache=True` the
state and daily tables are materialised (DuckDB temp tables, Spark cached
DataFrames); Ibis drops them when the compiled expression is garbage-collected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.engine.state import ACCOUNT_COLUMNS, account_state
from vigie.errors import ScorecardError, ScorecardProblem
from vigie.schema import TABLES, ColumnType
from vigie.scorecard import spec
from vigie.scorecard.tone_metric import tone
from vigie.workspace import Workspace

KEYS = ["account_id", "as_of"]
INTERVAL_ENDS = {"contacts": "ended_at", "tickets": "closed_at"}
"""Interval tables: `where: {active: true}` means the interval contains D."""
NUMERIC = (ColumnType.INTEGER, ColumnType.FLOAT)


@dataclass(frozen=True)
class Context:
    """What every metric of one run shares: the workspace, the scorecard and the memos."""

    workspace: Workspace
    scorecard: spec.Scorecard
    cache: bool = False
    plans: dict[str, FactPlan] = field(default_factory=dict)
    """Per fact table, what its daily tables must cover (see `plan_facts`); absent = all."""
    memo: dict[Any, ir.Table] = field(default_factory=dict, compare=False, repr=False)

    def kept(self, key: Any, build: Callable[[], ir.Table], cache: bool = False) -> ir.Table:
        """One table per key for the whole run (materialised when `cache` and the run caches)."""
        if key not in self.memo:
            table = build()
            self.memo[key] = table.cache() if cache and self.cache else table
        return self.memo[key]

    def state(self, grid: ir.Table) -> ir.Table:
        """The grid with the account state at each row's as_of (one state per set of dates)."""
        dates = grid.select("as_of").distinct()
        state = self.kept(("state", dates.op()), lambda: account_state(self.workspace, dates), True)
        return grid.join(state, KEYS)

    def remember_state(self, grid: ir.Table, state: ir.Table) -> None:
        """Reuse the run's own state for the main grid instead of deriving it again."""
        self.memo[("state", grid.select("as_of").distinct().op())] = state

    def facts(self, name: str) -> ir.Table:
        """The fact table cut to the run's days, with its `_day`.

        Compared on the raw time column against literals, so DuckDB skips row groups.
        """
        table = self.workspace.table(name)
        time = table[TABLES[name].time_column]
        plan = self.plans.get(name)
        if plan is not None:
            bound = ibis.timestamp if time.type().is_timestamp() else ibis.date
            preds = [time < bound(plan.end.isoformat())]
            if plan.start is not None:
                preds.append(time >= bound(plan.start.isoformat()))
            table = table.filter(*preds)
        return table.mutate(_day=_day(table[TABLES[name].time_column]))

    def _base(self, name: str, where: spec.Where, column: str | None = None) -> ir.Table | None:
        """The ONE per-account-per-day table of `name` (grouped by the plan's keys), or None.

        Every `where` of a fact table filters this small table instead of scanning the facts
        again. None when the run's plan does not hold the columns asked for.
        """
        plan = self.plans.get(name)
        names = {c.name for c in TABLES[name].columns}
        wanted = {c for c in [*where, column] if c in names}
        if plan is None or not wanted <= set(plan.keys):
            return None

        def build() -> ir.Table:
            table = self.facts(name)
            return table.group_by("account_id", "_day", *plan.keys).agg(**_day_sums(name, table))

        return self.kept(("base", name), build, True)

    def daily(self, name: str, where: spec.Where) -> ir.Table:
        """Per account and day: row count `n`, and `s_C` (sum), `c_C` (non-null count) per number."""

        def build() -> ir.Table:
            base = self._base(name, where)
            if base is None:
                table = _static(self.facts(name), where)
                return table.group_by("account_id", "_day").agg(**_day_sums(name, table))
            grouped = ("account_id", "_day", *self.plans[name].keys)
            table = _static(base, where)
            sums = {c: table[c].sum() for c in table.columns if c not in grouped}
            return table.group_by("account_id", "_day").agg(**sums)

        return self.kept(("daily", name, _where_key(where)), build, True)

    def daily_values(self, name: str, where: spec.Where, column: str) -> ir.Table:
        """The distinct (account_id, _day, v) rows: what `distinct` counts over a window."""

        def build() -> ir.Table:
            base = self._base(name, where, column)
            table = _static(self.facts(name) if base is None else base, where)
            return table.select("account_id", "_day", v=table[column]).distinct()

        return self.kept(("values", name, _where_key(where), column), build, True)

    def named(self, name: str) -> Any:
        try:
            return self.scorecard.metrics[name]
        except KeyError:
            raise ScorecardError(
                self.scorecard.name,
                [
                    ScorecardProblem(
                        "metrics", None, f"metric {name!r} is not defined in `metrics:`"
                    )
                ],
            ) from None


def evaluate(ctx: Context, metric: Any, grid: ir.Table) -> ir.Table:
    """account_id, as_of, value for every row of `grid` (unique on account_id, as_of)."""
    key = ("value", metric.kind, metric.model_dump_json(), grid.op())
    return ctx.kept(key, lambda: METRICS[metric.kind](ctx, metric, grid))


@dataclass(frozen=True)
class FactPlan:
    """What a run reads of one fact table through its daily tables.

    Days in [start, end) (start None = all history); `keys` are the columns that the
    run's `where`s and `distinct`s use, kept in the one per-account-per-day base table.
    """

    start: dt.date | None
    end: dt.date
    keys: tuple[str, ...]


def plan_facts(card: spec.Scorecard, dates: list[dt.date]) -> dict[str, FactPlan]:
    """Per fact table: [first date - longest look-back, last date) and the columns to keep.

    Look-back = window plus the shifts of `change` and `slope`; a kind without window
    (`days_since`, `exists`) reads all history. No window of a run ends after its last
    as-of date, so later facts are never needed.
    """
    reach: dict[str, int | None] = {}
    keys: dict[str, set[str]] = {}

    def need(table: str, days: int | None, where: spec.Where, column: str | None = None) -> None:
        if table not in reach or reach[table] is not None:
            reach[table] = None if days is None else max(reach.get(table) or 0, days)
        names = {c.name for c in TABLES[table].columns}
        keys.setdefault(table, set()).update(c for c in [*where, column] if c in names)

    def walk(m: Any, shift: int) -> None:
        if m is None:  # an undefined name: `Context.named` reports it
            return
        if isinstance(m, spec.CountMetric | spec.SumMetric | spec.DistinctMetric):
            column = m.column if isinstance(m, spec.DistinctMetric) else None
            need(getattr(m, m.kind), shift + spec.window_days(m.window), m.where, column)
            if m.per == "active_users":
                need("usage_events", shift + spec.window_days(m.window), {}, "user_id")
        elif isinstance(m, spec.AverageMetric):
            need(m.average, shift + spec.window_days(m.window), m.where)
        elif isinstance(m, spec.DaysSinceMetric | spec.ExistsMetric):
            need(m.days_since if m.kind == "days_since" else m.exists, None, m.where)
        elif isinstance(m, spec.RatioMetric):
            for name in m.ratio:
                walk(card.metrics.get(name), shift)
        elif isinstance(m, spec.PercentileMetric):
            walk(card.metrics.get(m.percentile), shift)
        elif isinstance(m, spec.ChangeMetric):
            inner = card.metrics.get(m.change)
            back = spec.window_days(inner.window) if m.vs == "previous" and inner else 365
            walk(inner, shift)
            walk(inner, shift + back)
        elif isinstance(m, spec.SlopeMetric):
            inner = card.metrics.get(m.slope)
            weekly = inner and inner.model_copy(update={"window": "7d"})
            walk(weekly, shift + 7 * (m.weeks - 1))

    for variant in [card, *(card.for_segment(s) for s in card.segments)]:
        for _dim, _name, measure in variant.measures():
            walk(measure.metric, 0)
    first, last = min(dates), max(dates)
    return {
        table: FactPlan(
            None if days is None else first - dt.timedelta(days=days),
            last,
            tuple(sorted(keys[table])),
        )
        for table, days in reach.items()
    }


# --- facts and conditions ---------------------------------------------------------------------


def _day_sums(name: str, table: ir.Table) -> dict[str, ir.Value]:
    """Row count `n`, and per numeric column its sum `s_C` and non-null count `c_C`."""
    aggs: dict[str, ir.Value] = {"n": table.count()}
    for col in TABLES[name].columns:
        if col.type in NUMERIC and col.name in table.columns:
            aggs[f"s_{col.name}"] = table[col.name].cast("float64").sum()
            aggs[f"c_{col.name}"] = table[col.name].count()
    return aggs


def _where_key(where: spec.Where) -> str:
    return repr(sorted(where.items()))


def _day(column: ir.Value) -> ir.Value:
    return column.date() if column.type().is_timestamp() else column


def condition(column: ir.Value, wanted: Any) -> ir.BooleanValue:
    """`where` / `when` semantics: equality, list membership, inclusive {min, max}."""
    if isinstance(wanted, spec.Range):
        parts = []
        if wanted.min is not None:
            parts.append(column >= wanted.min)
        if wanted.max is not None:
            parts.append(column <= wanted.max)
        return ibis.and_(*parts)
    if isinstance(wanted, list):
        return column.isin(wanted)
    return column == wanted


def _static(table: ir.Table, where: spec.Where) -> ir.Table:
    """Rows matching the conditions that do not depend on the as-of date."""
    preds = [condition(table[col], cond) for col, cond in where.items() if col in table.columns]
    return table.filter(*preds) if preds else table


def _pre_aggregable(name: str, where: spec.Where) -> bool:
    """True when no condition depends on D, so per-day pre-aggregates give the same answer."""
    return name not in INTERVAL_ENDS and not (name == "invoices" and "late" in where)


def _dynamic(name: str, joined: ir.Table, where: spec.Where) -> list[ir.BooleanValue]:
    """Conditions that depend on D: `active` on interval tables, `late` on invoices."""
    preds = []
    for key, wanted in where.items():
        if key == "active" and name in INTERVAL_ENDS:
            start = joined[TABLES[name].time_column]
            end = joined[INTERVAL_ENDS[name]]
            started = start.isnull() | (_day(start) < joined.as_of)
            holds = started & (end.isnull() | (_day(end) >= joined.as_of))
            preds.append(holds if wanted else ~holds)
        elif key == "late" and name == "invoices":
            late = (joined.due_date < joined.as_of) & (
                joined.paid_at.isnull() | (joined.paid_at > joined.due_date)
            )
            preds.append(late if wanted else ~late)
    return preds


def _facts_before(ctx: Context, name: str, where: spec.Where, grid: ir.Table, days: int | None):
    """Raw facts of `name` joined to the grid rows they are known at: time in [D - days, D)."""
    table = _static(ctx.workspace.table(name), where)
    time = TABLES[name].time_column
    table = table.mutate(_day=_day(table[time]), _time=table[time])
    joined = grid.select(*KEYS).join(table, "account_id")
    known = joined._day < joined.as_of
    if name in INTERVAL_ENDS:  # contacts without a start date count as started
        known = joined._day.isnull() | known
    preds = [known, *_dynamic(name, joined, where)]
    if days is not None:
        preds.append(joined._day >= joined.as_of - ibis.interval(days=days))
    return joined.filter(*preds)


def _in_window(grid: ir.Table, daily: ir.Table, days: int | None) -> ir.Table:
    """Daily rows joined to the grid rows whose window [D - days, D) holds their day."""
    grid = grid.select(*KEYS)
    on = [grid.account_id == daily.account_id, daily._day < grid.as_of]
    if days is not None:
        on.append(daily._day >= grid.as_of - ibis.interval(days=days))
    return grid.join(daily, on)


def _known(ctx: Context, name: str, where: spec.Where, grid: ir.Table, days: int | None):
    """(facts, pre-aggregated?): daily rows when no condition depends on D, else raw facts."""
    if _pre_aggregable(name, where):
        return _in_window(grid, ctx.daily(name, where), days), True
    return _facts_before(ctx, name, where, grid, days), False


def _on_grid(grid: ir.Table, values: ir.Table, fill: Any = None) -> ir.Table:
    """Dense result: every grid row, with `fill` where `values` has no row."""
    joined = grid.select(*KEYS).left_join(values, KEYS)
    value = joined.value if fill is None else joined.value.fill_null(fill)
    return joined.select(*KEYS, value=value)


def _per(ctx: Context, m: Any, counted: ir.Table, grid: ir.Table) -> ir.Table:
    """Divide by licensed seats at D or by active users in the window (0 or none -> missing)."""
    if m.per is None:
        return counted
    if m.per == "seats":
        divisor = ctx.state(grid.select(*KEYS)).select(*KEYS, d=_.seats.cast("float64"))
    else:
        days = spec.window_days(m.window)
        users = _in_window(grid, ctx.daily_values("usage_events", {}, "user_id"), days)
        divisor = users.group_by(KEYS).agg(d=_.v.nunique().cast("float64"))
    joined = counted.left_join(divisor, KEYS)
    return joined.select(*KEYS, value=joined.value / joined.d.nullif(0))


# --- metric kinds -------------------------------------------------------------------------------


def count(ctx: Context, m: spec.CountMetric, grid: ir.Table) -> ir.Table:
    facts, daily = _known(ctx, m.count, m.where, grid, spec.window_days(m.window))
    agg = facts.n.sum() if daily else facts.count()
    found = facts.group_by(KEYS).agg(value=agg.cast("float64"))
    return _per(ctx, m, _on_grid(grid, found, 0.0), grid)


def sum_(ctx: Context, m: spec.SumMetric, grid: ir.Table) -> ir.Table:
    facts, daily = _known(ctx, m.sum, m.where, grid, spec.window_days(m.window))
    column = facts[f"s_{m.column}"] if daily else facts[m.column].cast("float64")
    found = facts.group_by(KEYS).agg(value=column.sum())
    return _per(ctx, m, _on_grid(grid, found, 0.0), grid)


def distinct(ctx: Context, m: spec.DistinctMetric, grid: ir.Table) -> ir.Table:
    days = spec.window_days(m.window)
    if _pre_aggregable(m.distinct, m.where):
        facts = _in_window(grid, ctx.daily_values(m.distinct, m.where, m.column), days)
        column = facts.v
    else:
        facts = _facts_before(ctx, m.distinct, m.where, grid, days)
        column = facts[m.column]
    found = facts.group_by(KEYS).agg(value=column.nunique().cast("float64"))
    return _per(ctx, m, _on_grid(grid, found, 0.0), grid)


def average(ctx: Context, m: spec.AverageMetric, grid: ir.Table) -> ir.Table:
    facts, daily = _known(ctx, m.average, m.where, grid, spec.window_days(m.window))
    if daily:
        mean = facts[f"s_{m.column}"].sum() / facts[f"c_{m.column}"].sum().nullif(0)
    else:
        mean = facts[m.column].mean()
    found = facts.group_by(KEYS).agg(value=mean.cast("float64"))
    return _on_grid(grid, found)


def ratio(ctx: Context, m: spec.RatioMetric, grid: ir.Table) -> ir.Table:
    a = evaluate(ctx, ctx.named(m.ratio[0]), grid)
    b = evaluate(ctx, ctx.named(m.ratio[1]), grid).rename(b="value")
    joined = a.join(b, KEYS)
    return joined.select(*KEYS, value=joined.value.cast("float64") / joined.b.nullif(0))


def days_since(ctx: Context, m: spec.DaysSinceMetric, grid: ir.Table) -> ir.Table:
    facts, _daily = _known(ctx, m.days_since, m.where, grid, None)
    last = facts.group_by(KEYS).agg(last=_._day.max())
    found = last.select(*KEYS, value=last.as_of.delta(last.last, unit="day").cast("float64"))
    return _on_grid(grid, found)


def exists(ctx: Context, m: spec.ExistsMetric, grid: ir.Table) -> ir.Table:
    facts, _daily = _known(ctx, m.exists, m.where, grid, None)
    found = facts.select(*KEYS).distinct().mutate(value=ibis.literal(True))
    return _on_grid(grid, found, False)


def latest(ctx: Context, m: spec.LatestMetric, grid: ir.Table) -> ir.Table:
    days = spec.window_days(m.max_age) if m.max_age else None
    facts = _facts_before(ctx, m.latest, m.where, grid, days)
    found = facts.group_by(KEYS).agg(value=facts[m.column].argmax(facts._time))
    return _on_grid(grid, found)


def nps(ctx: Context, m: spec.NpsMetric, grid: ir.Table) -> ir.Table:
    where: spec.Where = {"kind": "nps"}
    facts = _facts_before(ctx, "surveys", where, grid, spec.window_days(m.window))
    found = facts.group_by(KEYS).agg(
        promoters=_.count(where=_.score >= 9),
        detractors=_.count(where=_.score <= 6),
        answers=_.count(),
    )
    value = 100.0 * (found.promoters - found.detractors) / found.answers
    return _on_grid(grid, found.select(*KEYS, value=value))


def _shifted(ctx: Context, metric: Any, grid: ir.Table, days: int) -> ir.Table:
    """The metric evaluated `days` before each grid row's as_of, keyed by the row's as_of."""
    back = grid.select("account_id", as_of=grid.as_of - ibis.interval(days=days)).distinct()
    values = evaluate(ctx, metric, back)
    return values.mutate(as_of=values.as_of + ibis.interval(days=days))


def change(ctx: Context, m: spec.ChangeMetric, grid: ir.Table) -> ir.Table:
    inner = ctx.named(m.change)
    days = spec.window_days(inner.window) if m.vs == "previous" else 365
    now = evaluate(ctx, inner, grid)
    before = _shifted(ctx, inner, grid, days).rename(before="value")
    joined = now.join(before, KEYS)
    value = 100.0 * (joined.value - joined.before) / joined.before.nullif(0)
    return joined.select(*KEYS, value=value)


def slope(ctx: Context, m: spec.SlopeMetric, grid: ir.Table) -> ir.Table:
    """Least-squares slope of the last N weekly values, in percent of their mean per week."""
    weekly = ctx.named(m.slope).model_copy(update={"window": "7d"})
    parts = [
        _shifted(ctx, weekly, grid, 7 * (m.weeks - 1 - x)).mutate(x=ibis.literal(float(x)))
        for x in range(m.weeks)
    ]
    points = ibis.union(*parts).mutate(y=_.value.cast("float64"))
    fit = (
        points.filter(points.y.notnull())
        .group_by(KEYS)
        .agg(n=_.count(), sx=_.x.sum(), sy=_.y.sum(), sxy=(_.x * _.y).sum(), sxx=(_.x * _.x).sum())
    )
    denominator = (fit.n * fit.sxx - fit.sx * fit.sx).nullif(0)
    beta = (fit.n * fit.sxy - fit.sx * fit.sy) / denominator
    mean = fit.sy / fit.n
    found = fit.select(*KEYS, value=100.0 * beta / mean.nullif(0))
    return _on_grid(grid, found)


def percentile(ctx: Context, m: spec.PercentileMetric, grid: ir.Table) -> ir.Table:
    """Percent rank 0-100 among accounts of the grid with the same `among` value at D."""
    values = evaluate(ctx, ctx.named(m.percentile), grid)
    known = values.filter(values.value.notnull())
    peers = ctx.state(grid.select(*KEYS)).join(known, KEYS)
    rank = ibis.percent_rank().over(group_by=["as_of", m.among], order_by=peers.value)
    found = peers.select(*KEYS, value=(rank * 100.0).cast("float64"))
    return _on_grid(grid, found)


def attribute(ctx: Context, m: spec.AttributeMetric, grid: ir.Table) -> ir.Table:
    state = ctx.state(grid.select(*KEYS))
    return state.select(*KEYS, value=state[m.attribute])


def sql(ctx: Context, m: spec.SqlMetric, grid: ir.Table) -> ir.Table:
    """Admin escape hatch: an SQL expression over the account's non-current columns (`account_row`).

    Only dated-free columns are exposed, so the expression cannot read today's state.
    """
    row = ctx.workspace.table("accounts").select(*ACCOUNT_COLUMNS).alias("account_row")
    values = row.sql(f"SELECT account_id, ({m.sql}) AS value FROM account_row")
    joined = grid.select(*KEYS).left_join(values, "account_id")
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
