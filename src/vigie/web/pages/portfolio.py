"""The portfolio: latest scores of every account, filtered, sorted and paged.

One function (`portfolio`) feeds the HTML page, its JSON twin and the exports.
The latest run is built by the backend once per data change (`latest.py`);
filters, sorting and paging then run on that Arrow table with Arrow's
vectorised kernels, so a page costs milliseconds, and only the page's rows
become Python objects.
ARR at risk = ARR x (100 - score) / 100: the share of ARR the score does not
vouch for, so a big yellow account can outrank a small red one.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from vigie.web.pages.common import BandInfo, colour_of
from vigie.web.pages.latest import Latest, latest
from vigie.workspace import Workspace

SortKey = Literal["arr_at_risk", "arr", "score", "name", "renewal", "change_4w", "churn_risk"]


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
    churn_risk: float | None
    """Probability of churn within the model's horizon, from `vigie predict` (null without)."""
    risk_band: str | None
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
    has_churn_risk: bool
    """True once `vigie predict` has stored predictions: the page shows the column."""
    csms: list[str]
    segments: list[str]
    rows: list[PortfolioRow]


SORT_COLUMNS = {
    "arr_at_risk": "arr_at_risk",
    "arr": "arr",
    "score": "score",
    "name": "name",
    "renewal": "days_to_renewal",
    "change_4w": "change_4w",
    "churn_risk": "churn_risk",
}


def select(t: pa.Table, f: PortfolioFilters) -> pa.Table:
    """The rows the filters keep, in the requested order (nulls last, then by account id)."""
    keep = []
    if f.band:
        keep.append(pc.is_in(t["band"], pa.array(f.band, pa.string())))
    if f.score_min is not None:
        keep.append(pc.greater_equal(t["score_scaled"], f.score_min))
    if f.score_max is not None:
        keep.append(pc.less_equal(t["score_scaled"], f.score_max))
    if f.csm:
        keep.append(pc.equal(t["csm"], f.csm))
    if f.segment:
        keep.append(pc.equal(t["segment"], f.segment))
    if f.renewal_within is not None:
        days = t["days_to_renewal"]
        keep.append(pc.and_(pc.greater_equal(days, 0), pc.less_equal(days, f.renewal_within)))
    if f.q:
        needle = f.q.lower()
        keep.append(
            pc.or_(
                pc.match_substring(pc.utf8_lower(t["name"]), needle),
                pc.match_substring(pc.utf8_lower(t["account_id"]), needle),
            )
        )
    if keep:
        mask = keep[0]
        for more in keep[1:]:
            mask = pc.and_kleene(mask, more)
        t = t.filter(pc.fill_null(mask, False))
    descending = f.order == "desc" if f.order else f.sort in ("arr_at_risk", "arr", "churn_risk")
    order = [
        (SORT_COLUMNS[f.sort], "descending" if descending else "ascending", "at_end"),
        ("account_id", "ascending", "at_end"),
    ]
    return t.take(pc.sort_indices(t, sort_keys=order))


def portfolio(ws: Workspace, f: PortfolioFilters) -> PortfolioPage:
    run = latest(ws, f.scorecard)
    t = select(run.table, f)
    page = t.slice((f.page - 1) * f.per_page, f.per_page).to_pylist()
    totals = {
        r["band"]: r
        for r in t.group_by("band").aggregate([("account_id", "count"), ("arr", "sum")]).to_pylist()
    }
    return PortfolioPage(
        scorecard=run.scorecard,
        as_of=run.as_of,
        filters=f,
        total=t.num_rows,
        pages=max(1, math.ceil(t.num_rows / f.per_page)),
        bands=run.bands,
        totals=[
            BandTotal(
                name=b.name,
                colour=b.colour,
                accounts=totals.get(b.name, {}).get("account_id_count", 0),
                arr=totals.get(b.name, {}).get("arr_sum") or 0.0,
            )
            for b in run.bands
        ],
        dimensions=run.dimensions,
        has_churn_risk=run.table["churn_risk"].null_count < run.table.num_rows,
        csms=run.csms,
        segments=run.segments,
        rows=[_row(r, run) for r in page],
    )


def _row(r: dict[str, Any], run: Latest) -> PortfolioRow:
    return PortfolioRow(
        account_id=r["account_id"],
        name=r["name"],
        segment=r["segment"],
        csm=r["csm"],
        arr=r["arr"],
        arr_at_risk=r["arr_at_risk"],
        renewal_date=r["renewal_date"],
        days_to_renewal=r["days_to_renewal"],
        score=r["score_scaled"],
        band=r["band"],
        colour=colour_of(run.bands, r["band"]),
        coverage=r["coverage"],
        change_4w=r["change_4w"],
        churn_risk=r["churn_risk"],
        risk_band=r["risk_band"],
        dimensions={
            d: Cell(
                score=r[f"dim_{d}_score"],
                band=r[f"dim_{d}_band"],
                colour=colour_of(run.bands, r[f"dim_{d}_band"]),
            )
            for d in run.dimensions
        },
        trend=r["trend"] or [],
    )


def export_frame(ws: Workspace, f: PortfolioFilters) -> pd.DataFrame:
    """The whole filtered view (no paging) as a flat table for CSV and XLSX."""
    run = latest(ws, f.scorecard)
    t = select(run.table, f)
    columns = ["account_id", "name", "segment", "csm", "arr", "arr_at_risk", "renewal_date",
               "days_to_renewal", "score_scaled", "band", "coverage", "change_4w", "churn_risk"]  # fmt: skip
    frame = t.select(columns).to_pandas().rename(columns={"score_scaled": "score"})
    for d in run.dimensions:
        frame[f"band_{d}"] = t[f"dim_{d}_band"].to_pandas()
    return frame.assign(as_of=run.as_of, scorecard=run.scorecard)
