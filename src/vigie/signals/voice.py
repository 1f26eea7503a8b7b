"""Hidden dissatisfaction: NPS answers of promoters or passives while usage is low against peers.

The survey says fine, the product says otherwise: the answer is polite, the team is not using it.
"""

from __future__ import annotations

import ibis.expr.types as ir
from ibis import _

from vigie.signals.base import KEYS, Context, between, day, emit, number, text
from vigie.signals.peers import MIN_PEERS, peer_percentiles


def signals(ctx: Context) -> list[ir.Table]:
    cfg = ctx.config.voice
    surveys = ctx.table("surveys")
    surveys = surveys.filter(surveys.kind == "nps")
    j = ctx.grid.select(*KEYS).join(surveys, "account_id")
    j = j.filter(between(j, day(j.answered_at), cfg.window_days))
    nps = j.group_by(KEYS).agg(avg=_.score.mean(), answers=_.count())
    peers = peer_percentiles(ctx)
    both = nps.join(peers, KEYS)
    fired = both.filter(
        both.avg >= cfg.promoter_min,
        both.percentile <= cfg.usage_percentile_max,
        both.peers >= MIN_PEERS,
    )
    evidence = (
        "average NPS answer "
        + text(fired.avg, 1)
        + " ("
        + text(fired.answers)
        + " answers) while usage per seat is at percentile "
        + text(fired.percentile)
        + " of "
        + text(fired.peers)
        + " peers"
    )
    return [
        emit(
            fired,
            "hidden_dissatisfaction",
            "medium",
            fired.percentile,
            number(cfg.usage_percentile_max),
            evidence,
        )
    ]
