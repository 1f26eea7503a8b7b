"""The portfolio: latest scores of every account, filtered, sorted and paged by the engine.

One function (`portfolio`) feeds the HTML page, its JSON twin and the exports.
Filtering, sorting and paging are one Ibis query; only the page's rows (and
their dimensions and 4-week trend) leave the backend.
ARR at risk = ARR x (100 - score) / 100: the share of ARR the score does not
vouch for, so a big yellow account can outrank a small red one.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

import ibis
import ibis.expr.types as ir
import pandas as pd
from pydantic import BaseModel, Field

from vigie.engine.scoring import DIMENSIONS, SNAPSHOTS
from vigie.engine.state import account_state, dates_table
from vigie.web.pages.common import BandInfo, bands, colour_of, latest_run
from vigie.workspace import Workspace

SortKey = Literal["arr_at_risk", "arr", "score", "name", "renewal", "change_4w"]
TREND_DAYS = 28


class PortfolioFilters(BaseModel):
    """Query parameters of the portfolio, board and exports."""

    scorecard: str | None = Field(None, max_length=200)
    band: list[str] = Field(default_factory=list, max_length=20)
    score_min: float | None = Field(None, ge=0, le=1e6)
    score_max: float | None = Field(None, ge=0, le=1e6)
    csm: str | None = Field(None, max_length=200)
    segment: str | None = Field(None, max_length=200)
    renewal_within: int | None = Field(None, ge=0, le=3650, description="days")
    q: str | None = Field(None, max_length=200, description="name or id contains")
    sort: SortKey = "arr_at_risk"
    order: Literal["asc", "desc"] | None = None
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=500)


class Cell(BaseModel):
    score: float | None
    band: str | None
    colour: str


class PortfolioRow(BaseModel):
    account_id: str
    name: str | None
    segment: str | None
    csm: str | None
    arr: float | None
    arr_at_risk: float | None
    renewal_date: dt.date | None
    days_to_renewal: int | None
    score: float | None
    """On the scorecard's scale."""
    band: str | None
    colour: str
    coverage: float | None
    change_4w: float | None
    """Score now minus the score 4 weeks earlier (on the scorecard's scale)."""
    dimensions: dict[str, Cell]
    trend: list[float | None]
    """Scores over the last 4 weeks, oldest first."""


class BandTotal(BaseModel):
    name: str
    colour: str
    accounts: int
    arr: float


class PortfolioPage(BaseModel):
    scorecard: str
    as_of: dt.date
    filters: PortfolioFilters
    total: int
    pages: int
    bands: list[BandInfo]
    totals: list[BandTotal]
    dimensions: list[str]
    csms: list[str]
    segments: list[str]
    rows: list[PortfolioRow]


def view(ws: Workspace, card: str, as_of: dt.date, f: PortfolioFilters) -> ir.Table:
    """Latest snapshot x account state at the same date, filtered and sorted (not paged)."""
    snaps = ws.con.table(SNAPSHOTS)
    latest = snaps.filter(snaps.scorecard == card, snaps.as_of == as_of).select(
        "account_id", "score", "score_scaled", "band", "coverage"
    )
    before = snaps.filter(
        snaps.scorecard == card, snaps.as_of == as_of - dt.timedelta(days=TREND_DAYS)
    ).select("account_id", earlier=snaps.score_scaled)
    latest = latest.left_join(before, "account_id").drop("account_id_right")
    latest = latest.mutate(change_4w=latest.score_scaled - latest.earlier).drop("earlier")
    state = account_state(ws, dates_table([as_of])).select(
        "account_id", "name", "segment", "csm", "arr", "days_to_renewal"
    )
    t = latest.join(state, "account_id")
    t = t.mutate(arr_at_risk=t.arr * (100 - t.score) / 100)
    if f.band:
        t = t.filter(t.band.isin(f.band))
    if f.score_min is not None:
        t = t.filter(t.score_scaled >= f.score_min)
    if f.score_max is not None:
        t = t.filter(t.score_scaled <= f.score_max)
    if f.csm:
        t = t.filter(t.csm == f.csm)
    if f.segment:
        t = t.filter(t.segment == f.segment)
    if f.renewal_within is not None:
        t = t.filter(t.days_to_renewal.between(0, f.renewal_within))
    if f.q:
        needle = f.q.lower()
        t = t.filter(t.name.lower().contains(needle) | t.account_id.lower().contains(needle))
    column = {
        "arr_at_risk": t.arr_at_risk,
        "arr": t.arr,
        "score": t.score,
        "name": t.name,
        "renewal": t.days_to_renewal,
        "change_4w": t.change_4w,
    }[f.sort]
    descending = f.order == "desc" if f.order else f.sort in ("arr_at_risk", "arr")
    key = column.desc(nulls_first=False) if descending else column.asc(nulls_first=False)
    return t.order_by(key, t.account_id)


def portfolio(ws: Workspace, f: PortfolioFilters) -> PortfolioPage:
    card, as_of = latest_run(ws, f.scorecard)
    band_list = bands(ws, card, as_of)
    t = view(ws, card, as_of, f)
    total = int(t.count().execute())
    page = t.limit(f.per_page, offset=(f.page - 1) * f.per_page).to_pandas()
    totals = t.group_by("band").agg(accounts=t.count(), arr=t.arr.sum()).to_pandas()
    accounts = ws.table("accounts")
    csms = _distinct(accounts.csm)
    segments = _distinct(accounts.segment)
    dims, cells = _dimension_cells(ws, card, as_of, list(page["account_id"]), band_list)
    trends = _trends(ws, card, as_of, list(page["account_id"]))
    by_band = {r.band: r for r in totals.itertuples()}
    return PortfolioPage(
        scorecard=card,
        as_of=as_of,
        filters=f,
        total=total,
        pages=max(1, math.ceil(total / f.per_page)),
        bands=band_list,
        totals=[
            BandTotal(
                name=b.name,
                colour=b.colour,
                accounts=int(by_band[b.name].accounts) if b.name in by_band else 0,
                arr=_num(by_band[b.name].arr) or 0.0 if b.name in by_band else 0.0,
            )
            for b in band_list
        ],
        dimensions=dims,
        csms=csms,
        segments=segments,
        rows=[_row(r, as_of, band_list, cells, trends) for r in page.to_dict("records")],
    )


def _row(
    r: dict, as_of: dt.date, band_list: list[BandInfo], cells: dict, trends: dict
) -> PortfolioRow:
    days = r["days_to_renewal"]
    days = None if pd.isna(days) else int(days)
    return PortfolioRow(
        account_id=r["account_id"],
        name=_text(r["name"]),
        segment=_text(r["segment"]),
        csm=_text(r["csm"]),
        arr=_num(r["arr"]),
        arr_at_risk=_num(r["arr_at_risk"]),
        renewal_date=None if days is None else as_of + dt.timedelta(days=days),
        days_to_renewal=days,
        score=_num(r["score_scaled"]),
        band=_text(r["band"]),
        colour=colour_of(band_list, _text(r["band"])),
        coverage=_num(r["coverage"]),
        change_4w=_num(r["change_4w"]),
        dimensions=cells.get(r["account_id"], {}),
        trend=trends.get(r["account_id"], []),
    )


def _dimension_cells(
    ws: Workspace, card: str, as_of: dt.date, ids: list[str], band_list: list[BandInfo]
) -> tuple[list[str], dict[str, dict[str, Cell]]]:
    """Dimension names of the scorecard, and each page account's dimension scores and colours."""
    dims = ws.con.table(DIMENSIONS)
    rows = dims.filter(dims.scorecard == card, dims.as_of == as_of, dims.account_id.isin(ids))
    frame = rows.select("account_id", "dimension", "score", "band").to_pandas()
    names = list(
        dims.filter(dims.scorecard == card, dims.as_of == as_of)
        .select("dimension")
        .distinct()
        .order_by("dimension")
        .to_pandas()["dimension"]
    )
    cells: dict[str, dict[str, Cell]] = {}
    for r in frame.to_dict("records"):
        band = _text(r["band"])
        cells.setdefault(r["account_id"], {})[r["dimension"]] = Cell(
            score=_num(r["score"]), band=band, colour=colour_of(band_list, band)
        )
    return names, cells


def _trends(
    ws: Workspace, card: str, as_of: dt.date, ids: list[str]
) -> dict[str, list[float | None]]:
    snaps = ws.con.table(SNAPSHOTS)
    start = as_of - dt.timedelta(days=TREND_DAYS)
    recent = snaps.filter(
        snaps.scorecard == card, snaps.as_of.between(start, as_of), snaps.account_id.isin(ids)
    )
    frame = recent.select("account_id", "as_of", "score_scaled").order_by("as_of").to_pandas()
    return {
        account: [_num(v) for v in group["score_scaled"]]
        for account, group in frame.groupby("account_id", sort=False)
    }


def _distinct(column: ir.Column) -> list[str]:
    values = column.name("v").as_table().filter(ibis._.v.notnull()).distinct().order_by("v")
    return [str(v) for v in values.to_pandas()["v"]]


def export_frame(ws: Workspace, f: PortfolioFilters) -> pd.DataFrame:
    """The whole filtered view (no paging) as a flat table for CSV and XLSX."""
    card, as_of = latest_run(ws, f.scorecard)
    t = view(ws, card, as_of, f)
    frame = t.select(
        "account_id",
        "name",
        "segment",
        "csm",
        "arr",
        "arr_at_risk",
        "days_to_renewal",
        score=t.score_scaled,
        band=t.band,
        coverage=t.coverage,
        change_4w=t.change_4w,
    ).to_pandas()
    dims = ws.con.table(DIMENSIONS)
    wide = (
        dims.filter(dims.scorecard == card, dims.as_of == as_of)
        .select("account_id", "dimension", "band")
        .to_pandas()
        .pivot(index="account_id", columns="dimension", values="band")
        .add_prefix("band_")
        .reset_index()
    )
    return frame.merge(wide, on="account_id", how="left").assign(as_of=as_of, scorecard=card)


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
