"""Support friction: repeated tickets on one topic, escalations, urgent tickets open past SLA."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.signals.base import KEYS, Context, between, day, emit, number, text


def signals(ctx: Context) -> list[ir.Table]:
    cfg = ctx.config.support
    tickets = ctx.table("tickets")
    j = ctx.grid.select(*KEYS).join(tickets, "account_id")
    j = j.filter(j.opened_at < j.as_of.cast("timestamp"))
    recent = j.filter(between(j, day(j.opened_at), cfg.window_days))
    out = []

    topics = (
        recent.filter(recent.topic.notnull())
        .group_by([*KEYS, "topic"])
        .agg(n=_.count())
        .filter(_.n >= cfg.repeat_topic_min)
    )
    worst = topics.group_by(KEYS).agg(n=_.n.max(), topic=_.topic.argmax(_.n))
    out.append(
        emit(
            worst,
            "repeat_topic",
            ibis.ifelse(worst.n >= 2 * cfg.repeat_topic_min, "high", "medium"),
            worst.n,
            number(cfg.repeat_topic_min),
            text(worst.n) + " tickets on topic '" + worst.topic + f"' in {cfg.window_days} days",
        )
    )

    esc = recent.group_by(KEYS).agg(n=_.count(where=recent.escalated.fill_null(False)))
    esc = esc.filter(esc.n >= cfg.escalations_min)
    out.append(
        emit(
            esc,
            "escalations",
            ibis.ifelse(esc.n >= 3 * cfg.escalations_min, "high", "medium"),
            esc.n,
            None,
            text(esc.n) + f" escalated ticket(s) in {cfg.window_days} days",
        )
    )

    if cfg.sla_hours:
        as_of_ts = j.as_of.cast("timestamp")
        still_open = j.closed_at.isnull() | (j.closed_at >= as_of_ts)
        late = ibis.or_(
            *[
                (j.severity == severity)
                & (j.opened_at + ibis.interval(minutes=int(hours * 60)) < as_of_ts)
                for severity, hours in cfg.sla_hours.items()
            ]
        )
        breached = (
            j.filter(still_open & late).group_by(KEYS).agg(n=_.count(), oldest=_.opened_at.min())
        )
        days_open = breached.as_of.delta(breached.oldest.date(), unit="day")
        out.append(
            emit(
                breached,
                "sla_breach",
                "high",
                breached.n,
                None,
                text(breached.n)
                + " urgent ticket(s) open past SLA; oldest open for "
                + text(days_open)
                + " days",
            )
        )
    return out
