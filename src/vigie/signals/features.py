"""Feature disengagement: a key feature adopted in the baseline weeks and unused recently."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.signals.base import KEYS, Context, between, day, emit, text


def signals(ctx: Context) -> list[ir.Table]:
    cfg, windows = ctx.config.features, ctx.config.usage
    events = ctx.table("usage_events")
    events = events.filter(events.event.isin(cfg.key_features))
    daily = events.group_by("account_id", "event", d=day(events.occurred_at)).agg(
        q=events.quantity.fill_null(1.0).sum()
    )
    span = windows.recent_days + windows.baseline_days
    joined = ctx.grid.select(*KEYS).join(daily, "account_id")
    joined = joined.filter(between(joined, joined.d, span))
    recent = joined.d >= joined.as_of - ibis.interval(days=windows.recent_days)
    per_feature = joined.group_by([*KEYS, "event"]).agg(
        now=joined.q.sum(where=recent).fill_null(0.0), before=joined.q.sum(where=~recent)
    )
    dropped = per_feature.filter(_.before >= cfg.min_baseline_uses, _.now == 0)
    per_account = dropped.group_by(KEYS).agg(
        n=_.count(),
        uses=_.before.sum(),
        names=_.event.collect().sort().join(", "),
    )
    evidence = (
        "unused in the last "
        + str(windows.recent_days)
        + " days after "
        + text(per_account.uses)
        + " uses in the "
        + str(windows.baseline_days)
        + " days before: "
        + per_account.names
    )
    severity = ibis.ifelse(per_account.n >= 2, "high", "medium")
    return [
        emit(per_account, "feature_disengaged", severity, per_account.n, per_account.uses, evidence)
    ]
