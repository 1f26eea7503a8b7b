"""Fact aggregates: every metric of a run that reads a fact table, as ONE aggregate per table.

A metric reading facts (count, sum, distinct, average, nps, days_since, exists, latest)
is an `Agg`: an aggregate of the rows of one table that match a `where`, over each
as-of date's window [D - start, D - end) (`end` > 0 for the earlier windows of `change`
and `slope`; `start` None = all history). `plan_facts` walks the scorecard once and
collects every Agg of the run per table. Each table's Aggs are then computed together:
its facts joined once to the run's as-of dates (`Context.bounds`: one row per date with
the window bounds as columns, so conditions compare columns only) on the widest window,
grouped once by (account_id, as_of), one conditional aggregate (`FILTER (WHERE ...)`)
per Agg. That is the shape of a hand-written query: one pass over each fact table,
however many measures read it. Aggs over all history get their own aggregate, so that
one `days_since` does not widen the windowed join to all history. `Context.with_facts`
puts every aggregate's columns beside the account state: the run's row table.

Rows read: with one as-of date, the raw facts, not joined to anything: the window bounds
are literals and the groups are the accounts (a fact row meets at most one date, so
grouping it per day first would only add a pass). With several dates a fact row meets
every date whose window holds it, so the facts are first grouped per account, day and the
columns the `where`s use (the *daily base*), when every Agg of the table can be computed
from such groups (no condition that depends on D, no `latest`, no interval table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import ibis
import ibis.expr.types as ir

from vigie.engine.state import STATE_COLUMNS, account_state
from vigie.errors import ScorecardError, ScorecardProblem
from vigie.schema import TABLES
from vigie.scorecard import spec
from vigie.workspace import Workspace

KEYS = ["account_id", "as_of"]
INTERVAL_ENDS = {"contacts": "ended_at", "tickets": "closed_at"}
"""Interval tables: `where: {active: true}` means the interval contains D."""
OPS = {
    "count": "count",
    "sum": "sum",
    "distinct": "distinct",
    "average": "mean",
    "days_since": "last_day",
    "exists": "any",
    "latest": "latest",
}
"""Metric kind -> the aggregate it is (`nps` too, see `fact_agg`)."""


@dataclass(frozen=True)
class Agg:
    """One aggregate of `table` over each grid row's window [D - start, D - end)."""

    table: str
    op: str
    column: str | None
    where_key: str
    start: int | None
    end: int
    where: spec.Where = field(compare=False)

    @classmethod
    def of(cls, table: str, op: str, column: str | None, where: spec.Where, start, end) -> Agg:
        return cls(table, op, column, repr(sorted(where.items())), start, end, where)


def fact_agg(m: Any, shift: int = 0) -> Agg | None:
    """The aggregate that metric `m` is, `shift` days before D; None for kinds that are not one."""
    if m.kind == "nps":
        days = spec.window_days(m.window)
        return Agg.of("surveys", "nps", "score", {"kind": "nps"}, shift + days, shift)
    if m.kind not in OPS:
        return None
    window = getattr(m, "window", None) or getattr(m, "max_age", None)
    start = None if window is None else shift + spec.window_days(window)
    return Agg.of(
        getattr(m, m.kind), OPS[m.kind], getattr(m, "column", None), m.where, start, shift
    )


def users_agg(m: Any, shift: int = 0) -> Agg:
    """Distinct users with any usage event in `m`'s window: the divisor of `per: active_users`."""
    days = spec.window_days(m.window)
    return Agg.of("usage_events", "distinct", "user_id", {}, shift + days, shift)


@dataclass(frozen=True)
class FactPlan:
    """What a run reads of one fact table: days in [start, end) (start None = all history),
    its aggregates, and whether they come from the daily base grouped by `keys`."""

    start: dt.date | None
    end: dt.date
    keys: tuple[str, ...]
    aggs: tuple[Agg, ...] = field(default=(), compare=False)
    daily: bool = field(default=False, compare=False)

    def offsets(self) -> set[int]:
        """Days before D where the windows of its aggregates start or end."""
        return {n for a in self.aggs for n in (a.start, a.end) if n is not None}


def plan_facts(card: spec.Scorecard, dates: list[dt.date]) -> dict[str, FactPlan]:
    """Per fact table: every Agg of the run, and the days and columns they read.

    No window of a run ends after its last as-of date, so later facts are never read.
    """
    found: dict[Agg, None] = {}  # ordered set: the aggregates' column order is the walk's

    def walk(m: Any, shift: int) -> None:
        if m is None:  # an undefined name: `Context.named` reports it
            return
        agg = fact_agg(m, shift)
        if agg is not None:
            found[agg] = None
            if getattr(m, "per", None) == "active_users":
                found[users_agg(m, shift)] = None
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
            for week in range(m.weeks):
                walk(weekly, shift + 7 * week)

    for variant in [card, *(card.for_segment(s) for s in card.segments)]:
        for _dim, _name, measure in variant.measures():
            walk(measure.metric, 0)
    first, last = min(dates), max(dates)
    plans = {}
    for table in dict.fromkeys(a.table for a in found):
        aggs = tuple(a for a in found if a.table == table)
        starts = [a.start for a in aggs]
        names = _columns(table)
        keys = {c for a in aggs for c in a.where if c in names}
        keys |= {a.column for a in aggs if a.op in ("distinct", "nps")}
        plans[table] = FactPlan(
            None if None in starts else first - dt.timedelta(days=max(starts)),
            last,
            tuple(sorted(keys)),
            aggs,
            len(dates) > 1 and all(_from_daily(a) for a in aggs),
        )
    return plans


def _from_daily(agg: Agg) -> bool:
    """True when per-day groups give the same answer: no condition depends on D."""
    return (
        agg.table not in INTERVAL_ENDS
        and agg.op != "latest"
        and not (agg.table == "invoices" and "late" in agg.where)
    )


@dataclass(frozen=True)
class Context:
    """What every metric of one run shares: the workspace, the scorecard, the plans and memos.

    `shift` > 0 evaluates windowed metrics that many days before each grid row's as_of
    (the earlier windows of `change` and `slope`); `at` gives such a view of the context.
    """

    workspace: Workspace
    scorecard: spec.Scorecard
    plans: dict[str, FactPlan] = field(default_factory=dict)
    memo: dict[Any, ir.Table] = field(default_factory=dict, compare=False, repr=False)
    shift: int = 0
    dates: tuple[dt.date, ...] = ()
    """The run's as-of dates: the dates of the fact aggregates (see `bounds`)."""

    def at(self, shift: int) -> Context:
        """The same run (same plans and memos), `shift` more days back."""
        return replace(self, shift=self.shift + shift)

    def kept(self, key: Any, build: Callable[[], ir.Table]) -> ir.Table:
        """One table per key for the whole run: the same expression, so one CTE in the SQL."""
        if key not in self.memo:
            self.memo[key] = build()
        return self.memo[key]

    def state(self, grid: ir.Table) -> ir.Table:
        """The grid with the account state at each row's as_of (one state per set of dates).

        The run's row table already is the state at its dates: then the grid itself.
        """
        if set(STATE_COLUMNS) <= set(grid.columns):
            return grid
        dates = grid.select("as_of").distinct()
        state = self.kept(("state", dates.op()), lambda: account_state(self.workspace, dates))
        return grid.select(*KEYS).join(state, KEYS)

    def facts(self, name: str) -> ir.Table:
        """The fact table cut to the run's days, with its `_day`.

        Compared on the raw time column against literals, so DuckDB skips row groups.
        """
        table = self.workspace.table(name)
        time = table[TABLES[name].time_column]
        plan = self.plans.get(name)
        if plan is not None:
            bound = ibis.timestamp if time.type().is_timestamp() else ibis.date
            before = time < bound(plan.end.isoformat())
            if plan.start is not None:
                table = table.filter(before, time >= bound(plan.start.isoformat()))
            elif name in INTERVAL_ENDS:  # undated contacts count as started (no window has them)
                table = table.filter(time.isnull() | before)
            else:
                table = table.filter(before)
        return table.mutate(_day=_day(time))

    def bounds(self) -> ir.Table:
        """One row per as-of date D: `as_of`, and per day offset n of the run's windows
        D - n as a date `d{n}` and as a timestamp (midnight) `t{n}`.

        Computed here rather than in SQL, so that window conditions compare columns only.
        """

        def build() -> ir.Table:
            offsets = sorted({0} | {n for p in self.plans.values() for n in p.offsets()})
            rows: dict[str, list[Any]] = {"as_of": list(self.dates)}
            schema = {"as_of": "date"}
            for n in offsets:
                days = [d - dt.timedelta(days=n) for d in self.dates]
                rows[f"d{n}"], schema[f"d{n}"] = days, "date"
                rows[f"t{n}"] = [dt.datetime.combine(d, dt.time()) for d in days]
                schema[f"t{n}"] = "timestamp"
            return ibis.memtable(rows, schema=schema)

        return self.kept(("bounds",), build)

    def aggregated(self, agg: Agg) -> tuple[ir.Table, str]:
        """The table holding `agg` per (account_id, as_of) with facts, and its column's name.

        Planned Aggs share their table's aggregate (those over all history another one);
        an unplanned one gets its own.
        """
        plan = self.plans.get(agg.table)
        planned = plan is not None and agg in plan.aggs
        group = (
            [a for a in plan.aggs if (a.start is None) == (agg.start is None)] if planned else []
        )
        aggs = group or [agg]
        names = [column_name(plan if planned else None, a) for a in aggs]
        key = ("aggregate", agg.table, agg.start is None, None if planned else agg)
        daily = planned and plan.daily

        def build() -> ir.Table:
            return _aggregate(self, agg.table, dict(zip(names, aggs, strict=True)), daily)

        return self.kept(key, build), names[aggs.index(agg)]

    def with_facts(self, grid: ir.Table) -> ir.Table:
        """`grid` and the columns of every planned aggregate (NULL where a row has no facts).

        The run's metrics then read facts as columns of one row: no join per metric.
        One chain of left joins and one select: each join's keys are renamed apart and
        left out, rather than dropped after each join (a select per join, which Ibis's
        compiler then spends time merging).
        """
        joined, values = grid, []
        for plan in self.plans.values():
            for bounded in dict.fromkeys(a.start is not None for a in plan.aggs):
                first = next(a for a in plan.aggs if (a.start is not None) == bounded)
                table, _ = self.aggregated(first)
                rname = f"{{name}}_{len(values)}"
                joined = joined.left_join(table, KEYS, rname=rname)
                values += [c for c in table.columns if c not in KEYS]
        return joined.select(*grid.columns, *values)

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


# --- building an aggregate ----------------------------------------------------------------------


def column_name(plan: FactPlan | None, agg: Agg) -> str:
    """The name of `agg`'s column, unique in the run's row table (see `Context.with_facts`)."""
    return f"{agg.table}_{plan.aggs.index(agg) if plan else 'x'}"


def _aggregate(ctx: Context, name: str, aggs: dict[str, Agg], daily: bool) -> ir.Table:
    """(account_id, as_of, one column per Agg): the facts joined once to the as-of dates
    whose widest window holds them, grouped once.

    With one as-of date nothing is joined: the window bounds are literals and the groups
    are the accounts, as in a hand-written query.
    """
    source = _daily_base(ctx, name) if daily else ctx.facts(name)
    time_column = "_day" if daily else TABLES[name].time_column
    starts = {a.start for a in aggs.values()}
    widest = None if None in starts else max(starts)
    if len(ctx.dates) == 1:  # `ctx.facts` already cut the rows to before D
        window = _Window(day=ctx.dates[0])
        time = source[time_column]
        rows = source if widest is None else source.filter(time >= window.bound(time, widest))
        values = {
            n: _value(a, rows, rows[time_column], window, daily, widest) for n, a in aggs.items()
        }
        grouped = rows.group_by("account_id").agg(**values)
        return grouped.select("account_id", window.as_of.name("as_of"), *values)
    dates = ctx.bounds()
    time = source[time_column]
    known = time < _Window(dates).bound(time, 0)
    if name in INTERVAL_ENDS:  # contacts without a start date count as started
        known = time.isnull() | known
    on = [known]
    if widest is not None:
        on.append(time >= _Window(dates).bound(time, widest))
    joined = source.join(dates, on)
    window = _Window(joined)
    values = {
        n: _value(a, joined, joined[time_column], window, daily, widest) for n, a in aggs.items()
    }
    return joined.group_by(KEYS).agg(**values)


@dataclass(frozen=True)
class _Window:
    """D and the days before it, for the fact rows being aggregated: columns of the as-of
    dates table they were joined to (`Context.bounds`), or literals for a one-date run."""

    dates: ir.Table | None = None
    day: dt.date | None = None

    @property
    def as_of(self) -> ir.Value:
        return self.dates.as_of if self.dates is not None else ibis.literal(self.day, type="date")

    def bound(self, time: ir.Value, days: int) -> ir.Value:
        """Midnight of D - days, typed like `time` (a date or a timestamp column)."""
        stamp = time.type().is_timestamp()
        if self.dates is not None:
            return self.dates[f"t{days}" if stamp else f"d{days}"]
        day = self.day - dt.timedelta(days=days)
        if stamp:
            return ibis.literal(dt.datetime.combine(day, dt.time()), type="timestamp")
        return ibis.literal(day, type="date")


def _daily_base(ctx: Context, name: str) -> ir.Table:
    """Per account, day and the plan's keys: row count `n`, and `s_C` / `c_C` (sum and
    non-null count) of each column that a `sum` or `average` reads."""
    facts = ctx.facts(name)
    plan = ctx.plans[name]
    sums: dict[str, ir.Value] = {}
    for column in dict.fromkeys(a.column for a in plan.aggs if a.op in ("sum", "mean")):
        sums[f"s_{column}"] = facts[column].cast("float64").sum()
        sums[f"c_{column}"] = facts[column].count()
    return facts.group_by("account_id", "_day", *plan.keys).agg(n=facts.count(), **sums)


def _value(
    agg: Agg, joined: ir.Table, time: ir.Value, window: _Window, daily: bool, widest: int | None
):
    """One Agg as a conditional aggregate over the joined rows (see module docstring)."""
    names = _columns(agg.table)
    preds = [condition(joined[c], v) for c, v in agg.where.items() if c in names]
    if not daily:
        preds += _dynamic(agg.table, joined, window, agg.where)
    if agg.start is not None and agg.start != widest:
        preds.append(time >= window.bound(time, agg.start))
    if agg.end:
        preds.append(time < window.bound(time, agg.end))
    where = ibis.and_(*preds) if preds else None

    def rows(extra: ir.BooleanValue | None = None) -> ir.IntegerValue:
        both = extra if where is None else where if extra is None else where & extra
        if daily:  # a sum over no rows is NULL, a count 0
            return joined.n.sum(where=both).fill_null(0)
        return joined.count(where=both)

    if agg.op == "count":
        return rows().cast("float64")
    if agg.op == "any":
        return rows() > 0
    if agg.op == "last_day":
        return _day(time.max(where=where))
    if agg.op == "sum" and daily:
        return joined[f"s_{agg.column}"].sum(where=where)
    if agg.op == "mean" and daily:
        count = joined[f"c_{agg.column}"].sum(where=where)
        return joined[f"s_{agg.column}"].sum(where=where) / count.nullif(0)
    column = joined[agg.column]
    if agg.op == "sum":
        return column.cast("float64").sum(where=where)
    if agg.op == "mean":
        return column.mean(where=where).cast("float64")
    if agg.op == "distinct":
        return column.nunique(where=where).cast("float64")
    if agg.op == "nps":
        promoters, detractors = rows(column >= 9), rows(column <= 6)
        return 100.0 * (promoters - detractors) / rows().nullif(0)
    return column.argmax(time, where=where)  # latest


# --- conditions ---------------------------------------------------------------------------------


def _columns(name: str) -> set[str]:
    return {c.name for c in TABLES[name].columns}


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


def _dynamic(
    name: str, joined: ir.Table, window: _Window, where: spec.Where
) -> list[ir.BooleanValue]:
    """Conditions that depend on D: `active` on interval tables, `late` on invoices."""
    preds = []
    for key, wanted in where.items():
        if key == "active" and name in INTERVAL_ENDS:
            start = joined[TABLES[name].time_column]
            end = joined[INTERVAL_ENDS[name]]
            started = start.isnull() | (start < window.bound(start, 0))
            holds = started & (end.isnull() | (end >= window.bound(end, 0)))
            preds.append(holds if wanted else ~holds)
        elif key == "late" and name == "invoices":
            late = (joined.due_date < window.as_of) & (
                joined.paid_at.isnull() | (joined.paid_at > joined.due_date)
            )
            preds.append(late if wanted else ~late)
    return preds
