"""Score direction: composite and dimension drops over 30 / 90 days, and the weekly trend.

Direction matters more than level: 80 -> 50 in three months is urgent though
50 is not red, and a 90 -> 80 fall fires where a stable 70 does not. Reads the
snapshots stored by `vigie score` for the configured scorecard (else the latest scored); a snapshot as of
a day up to `tolerance_days` before the target day stands in for it.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.engine.scoring import DIMENSIONS, SNAPSHOTS
from vigie.signals.base import KEYS, Context, emit, text
from vigie.signals.config import compared_scorecard


def _stored(ctx: Context, name: str) -> ir.Table | None:
    if name not in ctx.workspace.con.list_tables():
        return None
    table = ctx.workspace.con.table(name)
    table = table.filter(table.scorecard == compared_scorecard(ctx.config, ctx.workspace))
    return table.rename(s_day="as_of")


def _score_at(grid: ir.Table, stored: ir.Table, back: int, tol: int, by: list[str]) -> ir.Table:
    """The latest stored score dated in [D - back - tol, D - back], per grid row (and `by`)."""
    j = grid.join(stored, "account_id")
    j = j.filter(
        j.s_day <= j.as_of - ibis.interval(days=back),
        j.s_day >= j.as_of - ibis.interval(days=back + tol),
    )
    return j.group_by([*KEYS, *by]).agg(score=j.score.argmax(j.s_day))


def signals(ctx: Context) -> list[ir.Table]:
    cfg = ctx.config.score_direction
    snapshots = _stored(ctx, SNAPSHOTS)
    if snapshots is None:
        return []
    grid = ctx.grid.select(*KEYS)
    tol = cfg.tolerance_days
    now = _score_at(grid, snapshots, 0, tol, [])
    out = []
    for days, threshold in ((30, cfg.drop_30d), (90, cfg.drop_90d)):
        then = _score_at(grid, snapshots, days, tol, []).rename(then="score")
        pair = now.join(then, KEYS)
        drop = pair.then - pair.score
        fired = pair.mutate(fall=drop).filter(_.fall >= threshold)
        out.append(
            emit(
                fired,
                f"score_drop_{days}d",
                ibis.ifelse(fired.fall >= cfg.urgent_drop, "high", "medium"),
                fired.score,
                fired.then,
                f"composite fell {days} days: "
                + text(fired.then)
                + " -> "
                + text(fired.score)
                + " (-"
                + text(fired.fall)
                + " points)",
            )
        )

    j = grid.join(snapshots, "account_id")
    j = j.filter(j.s_day <= j.as_of, j.s_day > j.as_of - ibis.interval(days=7 * cfg.slope_weeks))
    x = j.s_day.delta(j.as_of, unit="day").cast("float64") / 7.0
    fit = (
        j.mutate(x=x, y=j.score)
        .group_by(KEYS)
        .agg(n=_.count(), sx=_.x.sum(), sy=_.y.sum(), sxy=(_.x * _.y).sum(), sxx=(_.x * _.x).sum())
    )
    beta = (fit.n * fit.sxy - fit.sx * fit.sy) / (fit.n * fit.sxx - fit.sx * fit.sx).nullif(0)
    trend = fit.mutate(beta=beta).filter(_.n >= 3, _.beta <= cfg.slope_per_week)
    out.append(
        emit(
            trend,
            "score_trend",
            ibis.ifelse(trend.beta <= 2 * cfg.slope_per_week, "high", "medium"),
            trend.beta,
            ibis.literal(cfg.slope_per_week),
            "composite trending "
            + text(trend.beta, 1)
            + " points a week over "
            + text(trend.n)
            + " snapshots",
        )
    )

    dimensions = _stored(ctx, DIMENSIONS)
    if dimensions is not None:
        dnow = _score_at(grid, dimensions, 0, tol, ["dimension"])
        dthen = _score_at(grid, dimensions, 90, tol, ["dimension"]).rename(then="score")
        pair = dnow.join(dthen, [*KEYS, "dimension"])
        fired = pair.mutate(fall=pair.then - pair.score).filter(_.fall >= cfg.dimension_drop)
        out.append(
            emit(
                fired,
                "dimension_drop",
                ibis.ifelse(fired.fall >= cfg.urgent_dimension_drop, "high", "medium"),
                fired.score,
                fired.then,
                fired.dimension
                + " fell over 90 days: "
                + text(fired.then)
                + " -> "
                + text(fired.score),
            )
        )
    return out
