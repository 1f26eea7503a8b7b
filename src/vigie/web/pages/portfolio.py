"""The portfolio: latest scores of every account, filtered, sorted and paged.

One function (`portfolio`) feeds the HTML page, its JSON twin and the exports.
The latest run is built by the backend once per data change (`latest.py`);
filters, sorting and paging then run on that Arrow table with Arrow's
vectorised kernels, so a page costs milliseconds, and only the page's rows
become Python objects.
ARR at risk is the worklist's: ARR x risk (the churn model's probability, else
(100 - score) / 100) x renewal proximity (1 to 2), so a big yellow account
renewing soon can outrank a small red one, and the same account shows the same
figure on every page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from vigie.errors import VigieError
from vigie.signals.compute import KINDS
from vigie.signals.risk import RISK_TYPES
from vigie.web.pages.common import BandInfo, colour_of, paged
from vigie.web.pages.latest import Latest, cached, latest
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
    risk_type: str | None = Field(None, max_length=100, description="primary risk type")
    signal_kind: str | None = Field(
        None, max_length=100, pattern=r"^[A-Za-z0-9_]+$", description="fired signal kind"
    )
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
    risk_type: str | None
    """Primary risk type from the latest stored signals (`vigie signals`)."""
    signal_kinds: list[str]
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
    risk_types: list[str]
    signal_kinds: list[str]
    """Every signal kind the signals layer computes (the filter's choices)."""
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


@dataclass(frozen=True)
class View:
    """A filtered, sorted view of the latest run: row positions, and totals per band."""

    order: pa.Array
    """Positions in the run's table of the rows kept, in display order."""
    totals: dict[str, tuple[int, float]]
    """Per band: accounts and ARR of the rows kept."""


def _mask(t: pa.Table, f: PortfolioFilters) -> pa.ChunkedArray | None:
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
    if f.risk_type:
        keep.append(pc.equal(t["risk_type"], f.risk_type))
    if f.signal_kind:
        keep.append(pc.match_substring(t["signal_kinds"], f"|{f.signal_kind}|"))
    if f.q:
        needle = f.q.lower()
        keep.append(
            pc.or_(
                pc.match_substring(pc.utf8_lower(t["name"]), needle),
                pc.match_substring(pc.utf8_lower(t["account_id"]), needle),
            )
        )
    if not keep:
        return None
    mask = keep[0]
    for more in keep[1:]:
        mask = pc.and_kleene(mask, more)
    return pc.fill_null(mask, False)


def _build_view(t: pa.Table, f: PortfolioFilters) -> View:
    """Filter and sort only the columns that decide the order; the page takes its rows later."""
    column = SORT_COLUMNS[f.sort]
    mask = _mask(t, f)
    everything = pa.array(np.arange(t.num_rows, dtype=np.uint64))
    positions = everything if mask is None else pc.indices_nonzero(mask)
    keys = t.select(list(dict.fromkeys([column, "account_id", "band", "arr"]))).take(positions)
    descending = f.order == "desc" if f.order else f.sort in ("arr_at_risk", "arr", "churn_risk")
    order = [
        (column, "descending" if descending else "ascending", "at_end"),
        ("account_id", "ascending", "at_end"),
    ]
    totals = keys.group_by("band").aggregate([("account_id", "count"), ("arr", "sum")])
    return View(
        order=positions.take(pc.sort_indices(keys, sort_keys=order)),
        totals={
            r["band"]: (r["account_id_count"], r["arr_sum"] or 0.0) for r in totals.to_pylist()
        },
    )


def view(ws: Workspace, run: Latest, f: PortfolioFilters) -> View:
    """The view of these filters and sort, built once per scoring run (all its pages share it).

    Filters that can match nothing by construction are refused, not answered with no row."""
    unknown = [b for b in f.band if b not in {band.name for band in run.bands}]
    if unknown:
        names = ", ".join(b.name for b in run.bands)
        raise VigieError(f"Unknown band {unknown[0]!r}: the bands of {run.scorecard} are {names}.")
    if f.score_min is not None and f.score_max is not None and f.score_min > f.score_max:
        raise VigieError(f"score_min {f.score_min:g} is above score_max {f.score_max:g}.")
    key = f.model_dump_json(exclude={"page", "per_page"})
    return cached(
        ws, ("view", run.scorecard, run.as_of, key), lambda: _build_view(run.table, f), "views"
    )


def select(ws: Workspace, run: Latest, f: PortfolioFilters) -> pa.Table:
    """Every row the filters keep, in the requested order (nulls last, then by account id)."""
    return run.table.take(view(ws, run, f).order)


def portfolio(ws: Workspace, f: PortfolioFilters) -> PortfolioPage:
    """One page of the view, built once per scoring run (the default page is everyone's home)."""
    return cached(ws, ("portfolio", f.model_dump_json()), lambda: _page(ws, f), "views")


def _page(ws: Workspace, f: PortfolioFilters) -> PortfolioPage:
    run = latest(ws, f.scorecard)
    v = view(ws, run, f)
    total = len(v.order)
    f, pages = paged(f, total)
    page = run.table.take(v.order.slice((f.page - 1) * f.per_page, f.per_page)).to_pylist()
    return PortfolioPage(
        scorecard=run.scorecard,
        as_of=run.as_of,
        filters=f,
        total=total,
        pages=pages,
        bands=run.bands,
        totals=[
            BandTotal(
                name=b.name,
                colour=b.colour,
                accounts=v.totals.get(b.name, (0, 0.0))[0],
                arr=v.totals.get(b.name, (0, 0.0))[1],
            )
            for b in run.bands
        ],
        dimensions=run.dimensions,
        has_churn_risk=run.table["churn_risk"].null_count < run.table.num_rows,
        **filter_choices(run),
        rows=[_row(r, run) for r in page],
    )


def filter_choices(run: Latest) -> dict[str, list[str]]:
    """The choices of the filters' lists, for the portfolio and the board."""
    return {
        "csms": run.csms,
        "segments": run.segments,
        "risk_types": list(RISK_TYPES),
        "signal_kinds": sorted(KINDS),
    }


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
        risk_type=r["risk_type"],
        signal_kinds=[k for k in (r["signal_kinds"] or "").split("|") if k],
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
    t = select(ws, run, f)
    columns = ["account_id", "name", "segment", "csm", "arr", "arr_at_risk", "renewal_date",
               "days_to_renewal", "score_scaled", "band", "coverage", "change_4w", "churn_risk",
               "risk_type", "signal_kinds"]  # fmt: skip
    frame = t.select(columns).to_pandas().rename(columns={"score_scaled": "score"})
    for d in run.dimensions:
        frame[f"band_{d}"] = t[f"dim_{d}_band"].to_pandas()
    return frame.assign(as_of=run.as_of, scorecard=run.scorecard)
