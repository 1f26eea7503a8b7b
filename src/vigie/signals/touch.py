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
    inter = ctx.table("interactions")
    inter = inter.filter(inter.kind.isin(cfg.meaningful_kinds) | inter.responded.fill_null(False))
    daily = inter.select("account_id", d=day(inter.occurred_at)).distinct()
    j = ctx.grid.select(*KEYS).join(daily, "account_id")
    last = j.filter(j.d < j.as_of).group_by(KEYS).agg(last=_.d.max())
    grid = ctx.grid.left_join(last, KEYS)
    since = grid.as_of.delta(grid.last, unit="day")
    quiet = grid.mutate(since=since).filter(
        ibis.ifelse(_.last.isnull(), _.tenure_days.fill_null(0) >= cfg.days, _.since >= cfg.days)
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
    severity = ibis.ifelse(quiet.since.fill_null(10**6) >= 2 * cfg.days, "high", "medium")
    return [emit(quiet, "no_touch", severity, quiet.since, number(cfg.days), evidence)]
