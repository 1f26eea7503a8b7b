"""Stale sentiment: the CSM's latest rating is older than `stale_days`, so nobody has looked."""

from __future__ import annotations

import ibis.expr.types as ir

from vigie.sentiment import latest_sentiment
from vigie.signals.base import Context, emit, number, text


def signals(ctx: Context) -> list[ir.Table]:
    days = ctx.config.sentiment.stale_days
    last = latest_sentiment(ctx.workspace, ctx.grid)
    stale = last.filter(last.age_days >= days)
    evidence = (
        "latest CSM sentiment ("
        + stale.rating
        + ") dated "
        + stale.rated_at.date().cast("string")
        + ", "
        + text(stale.age_days)
        + " days ago"
    )
    return [emit(stale, "stale_sentiment", "low", stale.age_days, number(days), evidence)]
