"""No touch: no meaningful interaction for N days, whatever the score says.

Meaningful: a meeting, call or QBR (configurable), or any interaction the customer answered.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.signals.base import KEYS, Context, day, emit, number, text


def signals(ctx: Context) -> list[ir.Table]:
    cfg = ctx.config.touch
    every = ctx.table("interactions")
    # Only on dates the book logs interactions at all: a team that imports none (or not yet)
    # would otherwise get an alarm on every account.
    first = every.aggregate(first=day(every.occurred_at).min())
    dates = ctx.grid.select("as_of").distinct().cross_join(first)
    logged = dates.filter(dates.as_of > dates.first).select("as_of")
    inter = every.filter(every.kind.isin(cfg.meaningful_kinds) | every.responded.fill_null(False))
    daily = inter.select("account_id", d=day(inter.occurred_at)).distinct()
    j = ctx.grid.select(*KEYS).join(daily, "account_id")
    last = j.filter(j.d < j.as_of).group_by(KEYS).agg(last=_.d.max())
    grid = ctx.grid.join(logged, "as_of").left_join(last, KEYS)
    since = grid.as_of.delta(grid.last, unit="day")
    # a touch on D - 60 is within the last 60 days, as in every other window: quiet from
    # `days` + 1 days after it; an account never touched is quiet for all its tenure
    quiet = grid.mutate(since=since).filter(
        ibis.ifelse(_.last.isnull(), _.tenure_days.fill_null(0) >= cfg.days, _.since > cfg.days)
    )
    evidence = ibis.ifelse(
        quiet.last.isnull(),
        ibis.literal("no meaningful interaction on record"),
        "last meaningful interaction "
        + quiet.last.cast("string")
        + ", "
        + text(quiet.since)
        + " days ago",
    )
    severity = ibis.ifelse(quiet.since.fill_null(10**6) > 2 * cfg.days, "high", "medium")
    return [emit(quiet, "no_touch", severity, quiet.since, number(cfg.days), evidence)]
