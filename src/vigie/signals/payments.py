"""Payment delays: invoices paid late in the window, or overdue and unpaid at D.

A `paid_at` dated D or later was not known at D: that invoice was unpaid then.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.signals.base import KEYS, Context, between, emit, number, text


def signals(ctx: Context) -> list[ir.Table]:
    cfg = ctx.config.payments
    invoices = ctx.table("invoices")
    j = ctx.grid.select(*KEYS).join(invoices, "account_id")
    j = j.filter(j.issued_at < j.as_of)
    grace = ibis.interval(days=cfg.grace_days)
    paid = j.paid_at.notnull() & (j.paid_at < j.as_of)
    paid_late = paid & (j.paid_at > j.due_date + grace) & between(j, j.paid_at, cfg.window_days)
    overdue = ~paid & (j.due_date + grace < j.as_of)
    per = j.group_by(KEYS).agg(
        late=_.count(where=paid_late),
        overdue=_.count(where=overdue),
        worst=ibis.greatest(
            j.paid_at.delta(j.due_date, unit="day").max(where=paid_late).fill_null(0),
            j.as_of.delta(j.due_date, unit="day").max(where=overdue).fill_null(0),
        ),
    )
    fired = per.filter((per.late > 0) | (per.overdue > 0))
    evidence = (
        text(fired.overdue)
        + " invoice(s) overdue now, "
        + text(fired.late)
        + f" paid late in {cfg.window_days} days; worst "
        + text(fired.worst)
        + " days past due"
    )
    severity = ibis.ifelse(fired.overdue > 0, "high", "medium")
    return [
        emit(
            fired,
            "late_payment",
            severity,
            fired.worst,
            number(cfg.grace_days),
            evidence,
        )
    ]
