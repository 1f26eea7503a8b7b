"""Peer comparison: usage per licensed seat, as a percentile among accounts of the same
segment and size band at D (seats at D from subscriptions)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from vigie.signals.base import KEYS, Context, between, day, emit, text


def size_band(seats: ir.IntegerValue, bounds: list[int]) -> ir.StringValue:
    """'<10', '10-49', ..., '>=250' from the configured seat bounds."""
    case = ibis.cases(
        *[
            (seats < hi, f"<{hi}" if lo is None else f"{lo}-{hi - 1}")
            for lo, hi in zip([None, *bounds[:-1]], bounds, strict=True)
        ],
        else_=f">={bounds[-1]}",
    )
    return case


MIN_PEERS = 5
"""Fewer accounts of the same segment and size band than this make no peer group: a
percentile among three says nothing."""


def peer_percentiles(ctx: Context) -> ir.Table:
    """account_id, as_of, segment, band, per_seat, percentile (0-100, 0 = least usage)."""

    def build() -> ir.Table:
        cfg = ctx.config.peers
        events = ctx.table("usage_events")
        daily = events.group_by("account_id", d=day(events.occurred_at)).agg(
            q=events.quantity.fill_null(1.0).sum()
        )
        grid = ctx.grid.filter(ctx.grid.seats > 0)
        j = grid.select(*KEYS).join(daily, "account_id")
        volume = j.filter(between(j, j.d, cfg.window_days)).group_by(KEYS).agg(q=j.q.sum())
        rows = grid.left_join(volume, KEYS)
        rows = rows.select(
            "account_id",
            "as_of",
            segment=rows.segment.fill_null("(none)"),
            band=size_band(rows.seats, cfg.size_bands),
            per_seat=rows.q.fill_null(0.0) / rows.seats.cast("float64"),
        )
        group = ["as_of", "segment", "band"]
        below = ibis.rank().over(group_by=group, order_by="per_seat")  # peers with less usage
        ties = rows.count().over(group_by=[*group, "per_seat"])
        peers = rows.count().over(group_by=group)
        # ties share the mean of their ranks: peers that all use the same are at 50, not 0
        middle = (below + (ties - 1) / 2.0) / (peers - 1).nullif(0)
        return rows.mutate(percentile=middle * 100.0, peers=peers)

    return ctx.kept("peer_percentiles", build)


def signals(ctx: Context) -> list[ir.Table]:
    cfg = ctx.config.peers
    p = peer_percentiles(ctx)
    low = p.filter(p.percentile <= cfg.percentile_max, p.peers >= MIN_PEERS)
    evidence = (
        "usage per seat over "
        + str(cfg.window_days)
        + " days at percentile "
        + text(low.percentile)
        + " of "
        + text(low.peers)
        + " peers ("
        + low.segment
        + ", "
        + low.band
        + " seats)"
    )
    return [
        emit(
            low,
            "low_peer_usage",
            "medium",
            low.percentile,
            ibis.literal(cfg.percentile_max),
            evidence,
        )
    ]
