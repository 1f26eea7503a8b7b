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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import ibis
import pandas as pd
import pyarrow as pa

from vigie.engine.scoring import DIMENSIONS, SNAPSHOTS
from vigie.engine.state import account_state, currencies, dates_table
from vigie.playbooks.worklist import proximity, score_risk, signal_facts
from vigie.predict.store import PREDICTIONS
from vigie.scorecard.compile import DIGITS
from vigie.signals.compute import latest_signal_date
from vigie.web.pages.common import BandInfo, bands, latest_run
from vigie.workspace import Workspace

TREND_DAYS = 28
_SIZES = {"data": 16, "views": 256}
T = TypeVar("T")
_pools: dict[str, OrderedDict[tuple, Any]] = {name: OrderedDict() for name in _SIZES}
_lock = threading.Lock()
_building: dict[tuple, threading.Lock] = {}


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
    `churn_risk` / `risk_band` from the latest stored churn prediction (null without one),
    `risk_type` and `signal_kinds` ("|kind|kind|") from the latest stored signals."""


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


def cached(ws: Workspace, key: tuple, make: Callable[[], T], pool: str = "data") -> T:
    """`make()` once per data version of the workspace: rebuilt after any write (CLI or web).

    Two pools, each least-recently-used: "data" keeps the few costly builds (the latest
    run, the worklist, effectiveness, trends), "views" the many cheap ones (a filtered
    view, a page, a rendered table), so paging through many views never evicts a
    one-second build. Concurrent requests for the same missing entry wait for one build
    instead of each running it; entries of an older version of the same workspace are
    dropped when a newer one is stored. Off DuckDB the version cannot be known, so
    `make()` runs on every call.
    """
    version = data_version(ws)
    if version is None:
        return make()
    root = str(ws.root)
    full = (root, version, *key)
    entries = _pools[pool]
    with _lock:
        if full in entries:
            entries.move_to_end(full)
            return entries[full]
        building = _building.setdefault(full, threading.Lock())
    with building:
        with _lock:
            if full in entries:
                return entries[full]
        value = make()
        with _lock:
            for kept in _pools.values():
                for old in [k for k in kept if k[0] == root and k[1] != version]:
                    del kept[old]
            entries[full] = value
            while len(entries) > _SIZES[pool]:
                entries.popitem(last=False)
            _building.pop(full, None)
    return value


def book_currencies(ws: Workspace) -> dict[str, int]:
    """Accounts per currency for the pages' notice, once per data version: a page served
    from the cache then never connects just to count them."""
    return cached(ws, ("currencies",), lambda: currencies(ws), "views")


def latest(ws: Workspace, scorecard: str | None) -> Latest:
    return cached(ws, ("latest", scorecard), lambda: build(ws, scorecard))


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
    t = t.left_join(_churn_risk(ws), "account_id").drop("account_id_right")
    t = t.left_join(_signal_facts(ws, card), "account_id").drop("account_id_right")
    t = t.mutate(
        arr_at_risk=t.arr.fill_null(0)
        * t.churn_risk.fill_null(score_risk(t.score))
        * proximity(t.days_to_renewal).fill_null(1.0),
        change_4w=(t.score_scaled - t.earlier).round(DIGITS),  # no -5.624201788000008 in CSV
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


def _churn_risk(ws: Workspace) -> ibis.Table:
    """Each account's latest stored churn prediction (`vigie predict`), also when it is dated
    after the latest score: like signals computed since, it is the newest news of the account
    (`vigie predict` defaults to today, and `vigie worklist` reads it)."""
    if PREDICTIONS not in ws.con.list_tables():
        return ibis.memtable(
            {"account_id": [], "churn_risk": [], "risk_band": []},
            schema={"account_id": "string", "churn_risk": "float64", "risk_band": "string"},
        )
    p = ws.con.table(PREDICTIONS)
    return p.group_by("account_id").agg(
        churn_risk=p.probability.argmax(p.as_of).cast("float64"),
        risk_band=p.risk_band.argmax(p.as_of),
    )


def _signal_facts(ws: Workspace, scorecard: str) -> ibis.Table:
    """Primary risk type and the kinds fired at the latest stored signal date, as the worklist
    reads them: signals computed after the latest score are the newest news of the account."""
    schema = {"account_id": "string", "risk_type": "string", "signal_kinds": "string"}
    last = latest_signal_date(ws)
    frame = signal_facts(ws, last, scorecard) if last else pd.DataFrame(columns=list(schema))
    return ibis.memtable(frame[list(schema)], schema=schema)


def _distinct(column: ibis.Column) -> list[str]:
    values = column.name("v").as_table().filter(ibis._.v.notnull()).distinct().order_by("v")
    return [str(v) for v in values.to_pyarrow()["v"].to_pylist()]
