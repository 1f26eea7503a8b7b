"""Usage against the account's own baseline: volume, active users, frequent users.

Each measure is a ratio recent / baseline at D. Where the account has a year
of history, the same ratio one year earlier is the seasonal reference: a drop
no deeper than last year's at the same date (within `seasonal_tolerance`) is
the account's normal calendar (August, year end) and does not fire.
"""

from __future__ import annotations

from typing import NamedTuple

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.scorecard.compile import DIGITS
from vigie.signals.base import KEYS, Context, between, day, emit, text
from vigie.signals.config import Usage

YEAR = 365


def _points(ctx: Context) -> ir.Table:
    """(account_id, as_of) of the grid plus the same dates one year earlier."""
    grid = ctx.grid.select(*KEYS)
    last_year = grid.select("account_id", as_of=grid.as_of - ibis.interval(days=YEAR))
    return ibis.union(grid, last_year, distinct=True)


def usage_measures(ctx: Context) -> ir.Table:
    """Per point: recent and baseline volume per day, active and frequent users now and before."""

    def build() -> ir.Table:
        cfg = ctx.config.usage
        points = _points(ctx)
        events = ctx.table("usage_events")
        daily = events.group_by("account_id", d=day(events.occurred_at)).agg(
            q=events.quantity.fill_null(1.0).sum()
        )
        span = cfg.recent_days + cfg.baseline_days
        joined = points.join(daily, "account_id").filter(lambda t: between(t, t.d, span))
        recent = joined.d >= joined.as_of - ibis.interval(days=cfg.recent_days)
        volume = joined.group_by(KEYS).agg(
            recent_q=joined.q.sum(where=recent) / cfg.recent_days,
            base_q=joined.q.sum(where=~recent) / cfg.baseline_days,
        )
        users = events.filter(events.user_id.notnull())
        user_days = users.select("account_id", "user_id", d=day(users.occurred_at)).distinct()
        ud = points.join(user_days, "account_id").filter(
            lambda t: between(t, t.d, 2 * cfg.recent_days)
        )
        now = ud.d >= ud.as_of - ibis.interval(days=cfg.recent_days)
        per_user = ud.group_by([*KEYS, "user_id"]).agg(
            days_now=_.count(where=now), days_before=_.count(where=~now)
        )
        people = per_user.group_by(KEYS).agg(
            users_now=_.count(where=_.days_now > 0),
            users_before=_.count(where=_.days_before > 0),
            frequent_now=_.count(where=_.days_now >= cfg.frequent_days),
            frequent_before=_.count(where=_.days_before >= cfg.frequent_days),
        )
        merged = volume.outer_join(people, KEYS)
        return merged.select(
            account_id=ibis.coalesce(merged.account_id, merged.account_id_right),
            as_of=ibis.coalesce(merged.as_of, merged.as_of_right),
            recent_q=merged.recent_q.fill_null(0.0),
            base_q=merged.base_q.fill_null(0.0),
            users_now=merged.users_now.fill_null(0),
            users_before=merged.users_before.fill_null(0),
            frequent_now=merged.frequent_now.fill_null(0),
            frequent_before=merged.frequent_before.fill_null(0),
        )

    return ctx.kept("usage_measures", build)


def _with_last_year(ctx: Context) -> ir.Table:
    """Grid rows with this year's measures and last year's (NULL without a year of history)."""
    m = usage_measures(ctx)
    ly = m.mutate(as_of=m.as_of + ibis.interval(days=YEAR)).rename(lambda c: f"ly_{c}")
    now = ctx.grid.select(*KEYS).join(m, KEYS)
    joined = now.left_join(ly, [now.account_id == ly.ly_account_id, now.as_of == ly.ly_as_of])
    return joined.drop("ly_account_id", "ly_as_of")


class _Ratio(NamedTuple):
    """One ratio signal: its kind, the measure now and before, when it fires, how to say it."""

    kind: str
    now: str
    before: str
    threshold: float
    minimum: float
    label: str


def _ratios(cfg: Usage) -> list[_Ratio]:
    r, b = cfg.recent_days, cfg.baseline_days
    return [
        _Ratio("usage_drop", "recent_q", "base_q", cfg.drop_ratio, cfg.min_baseline_per_day,
               f"usage per day, last {r} days vs the {b} days before"),
        _Ratio("active_users_drop", "users_now", "users_before", cfg.users_ratio, 2,
               f"active users, last {r} days vs the {r} days before"),
        _Ratio("frequency_downgrade", "frequent_now", "frequent_before", cfg.frequent_ratio, 2,
               f"users active on >= {cfg.frequent_days} days of {r}, now vs the {r} days before"),
    ]  # fmt: skip


def signals(ctx: Context) -> list[ir.Table]:
    cfg = ctx.config.usage
    t = _with_last_year(ctx)
    out = []
    for spec in _ratios(cfg):
        ratio = t[spec.now].cast("float64") / t[spec.before].cast("float64").nullif(0)
        ly_now, ly_before = t[f"ly_{spec.now}"], t[f"ly_{spec.before}"]
        ly_ratio = ly_now.cast("float64") / ly_before.cast("float64").nullif(0)
        scored = t.mutate(_ratio=ratio, _ly=ly_ratio, _now=t[spec.now], _before=t[spec.before])
        # rounded: 0.30 against 0.45 - 0.15 = 0.30000000000000004 is within the tolerance
        seasonal = scored._ly.notnull() & (
            (scored._ratio - scored._ly).round(DIGITS) >= -cfg.seasonal_tolerance
        )
        fired = scored.filter(
            scored._before >= spec.minimum, scored._ratio < spec.threshold, ~seasonal
        )
        last_year = ibis.ifelse(
            fired._ly.isnull(),
            ibis.literal(" (no year of history for a seasonal check)"),
            "; last year at this date " + text(fired._ly, 2),
        )
        evidence = (
            f"{spec.label}: "
            + text(fired._now, 1)
            + " vs "
            + text(fired._before, 1)
            + " (ratio "
            + text(fired._ratio, 2)
            + ")"
            + last_year
        )
        severity = ibis.ifelse(fired._ratio < spec.threshold / 2, "high", "medium")
        out.append(emit(fired, spec.kind, severity, fired._ratio, fired._before, evidence))
    return out
