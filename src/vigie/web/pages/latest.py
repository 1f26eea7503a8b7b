"""The latest scoring run as one table per account, built by the engine once per data change.

Portfolio, board and exports all read "every account's latest score with its
state, dimension colours and 4-week trend". Building it is a few joins over
the score history (about 1 s for 10k accounts on a busy 2-core machine), while
the data only changes when a CLI or web write lands. So the table is built by
Ibis in the backend, kept in memory as Arrow, and rebuilt when the DuckDB
file (or its WAL) changes. Other backends rebuild it on every request.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import ibis
import pyarrow as pa

from vigie.engine.scoring import DIMENSIONS, SNAPSHOTS
from vigie.engine.state import account_state, dates_table
from vigie.predict.predict import PREDICTIONS
from vigie.web.pages.common import BandInfo, bands, latest_run
from vigie.workspace import Workspace

TREND_DAYS = 28
_KEPT = 8
_cache: OrderedDict[tuple, Latest] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class Latest:
    scorecard: str
    as_of: dt.date
    bands: list[BandInfo]
    dimensions: list[str]
    csms: list[str]
    segments: list[str]
    table: pa.Table
    """One row per scored account: state at as_of, score, band, change_4w, arr_at_risk,
    `dim_<name>_score` / `dim_<name>_band` per dimension, `trend` (scores, oldest first), and
    `churn_risk` / `risk_band` from the latest stored churn prediction (null without one)."""


def data_version(ws: Workspace) -> tuple | None:
    """Changes whenever the workspace's DuckDB file is written; None when it cannot be known."""
    scheme, _, rest = ws.backend_url.partition("://")
    if scheme != "duckdb":
        return None
    path = Path(rest or "vigie.duckdb")
    path = path if path.is_absolute() else ws.root / path
    stats = []
    for file in (path, path.with_name(path.name + ".wal")):
        stat = file.stat() if file.exists() else None
        stats.append((stat.st_mtime_ns, stat.st_size) if stat else None)
    return tuple(stats)


def latest(ws: Workspace, scorecard: str | None) -> Latest:
    version = data_version(ws)
    key = (str(ws.root), scorecard, version)
    if version is not None:
        with _lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
    built = build(ws, scorecard)
    if version is not None:
        with _lock:
            _cache[key] = built
            while len(_cache) > _KEPT:
                _cache.popitem(last=False)
    return built


def build(ws: Workspace, scorecard: str | None) -> Latest:
    card, as_of = latest_run(ws, scorecard)
    snaps = ws.con.table(SNAPSHOTS).filter(ibis._.scorecard == card)
    now = snaps.filter(snaps.as_of == as_of).select(
        "account_id", "score", "band", "coverage", score_scaled=snaps.score_scaled
    )
    before = snaps.filter(snaps.as_of == as_of - dt.timedelta(days=TREND_DAYS)).select(
        "account_id", earlier=snaps.score_scaled
    )
    trend = (
        snaps.filter(snaps.as_of.between(as_of - dt.timedelta(days=TREND_DAYS), as_of))
        .group_by("account_id")
        .agg(trend=snaps.score_scaled.collect(order_by=snaps.as_of))
    )
    state = account_state(ws, dates_table([as_of])).select(
        "account_id", "name", "segment", "csm", "arr", "days_to_renewal"
    )
    dims = ws.con.table(DIMENSIONS)
    dims = dims.filter(dims.scorecard == card, dims.as_of == as_of)
    names = sorted(dims.select("dimension").distinct().to_pyarrow()["dimension"].to_pylist())
    wide = dims.group_by("account_id").agg(
        **{
            f"dim_{n}_{part}": getattr(dims, part).max(where=dims.dimension == n)
            for n in names
            for part in ("score", "band")
        }
    )
    t = (
        now.join(state, "account_id")
        .left_join(before, "account_id")
        .drop("account_id_right")
        .left_join(trend, "account_id")
        .drop("account_id_right")
    )
    if names:
        t = t.left_join(wide, "account_id").drop("account_id_right")
    t = t.left_join(_churn_risk(ws, as_of), "account_id").drop("account_id_right")
    t = t.mutate(
        arr_at_risk=t.arr * (100 - t.score) / 100,
        change_4w=t.score_scaled - t.earlier,
        renewal_date=(ibis.literal(as_of) + t.days_to_renewal.as_interval("D")).cast("date"),
    ).drop("earlier")
    accounts = ws.table("accounts")
    return Latest(
        scorecard=card,
        as_of=as_of,
        bands=bands(ws, card, as_of),
        dimensions=names,
        csms=_distinct(accounts.csm),
        segments=_distinct(accounts.segment),
        table=t.to_pyarrow(),
    )


def _churn_risk(ws: Workspace, as_of: dt.date) -> ibis.Table:
    """Each account's latest stored churn prediction on or before as_of (`vigie predict`)."""
    if PREDICTIONS not in ws.con.list_tables():
        return ibis.memtable(
            {"account_id": [], "churn_risk": [], "risk_band": []},
            schema={"account_id": "string", "churn_risk": "float64", "risk_band": "string"},
        )
    p = ws.con.table(PREDICTIONS)
    p = p.filter(p.as_of <= as_of)
    return p.group_by("account_id").agg(
        churn_risk=p.probability.argmax(p.as_of), risk_band=p.risk_band.argmax(p.as_of)
    )


def _distinct(column: ibis.Column) -> list[str]:
    values = column.name("v").as_table().filter(ibis._.v.notnull()).distinct().order_by("v")
    return [str(v) for v in values.to_pyarrow()["v"].to_pylist()]
