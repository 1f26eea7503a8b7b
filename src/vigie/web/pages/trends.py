"""Portfolio trends: accounts and ARR per band and ARR at risk at each scored date, accounts
turning red and recovering per month, and the renewal forecast (`vigie forecast`).
Everything is aggregated by the backend; only the per-date and per-month totals leave it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Annotated

import ibis
import plotly.graph_objects as go
import pyarrow.compute as pc
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from plotly.subplots import make_subplots
from pydantic import BaseModel

from vigie.engine.scoring import SNAPSHOTS
from vigie.engine.state import account_state, dates_table
from vigie.playbooks.forecast import forecast
from vigie.playbooks.worklist import proximity, score_risk
from vigie.predict.store import latest_prediction_date
from vigie.web.auth import current_user
from vigie.web.i18n import Formatter
from vigie.web.pages.common import BandInfo, bands, workspace
from vigie.web.pages.latest import Latest, book_currencies, cached, latest
from vigie.web.render import json_response, render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()


class BandPoint(BaseModel):
    as_of: dt.date
    band: str
    accounts: int
    arr: float


class MonthMoves(BaseModel):
    month: str
    """YYYY-MM of the scored date where the band changed."""
    turned_worst: int
    """Accounts whose band became the worst band (from any other)."""
    recovered: int
    """Accounts that left the worst band for the best one."""


class DateTotal(BaseModel):
    as_of: dt.date
    accounts: int
    arr: float
    arr_at_risk: float
    """Sum of ARR x risk x renewal proximity over the scored accounts, the risk read from the
    score (no model history): the worklist's ARR at risk, before any churn model."""


class RenewalPeriod(BaseModel):
    period: str
    """YYYY-MM"""
    renewals: int
    accounts: int
    arr_renewing: float
    expected_arr_lost: float


class RenewalForecast(BaseModel):
    """`vigie forecast` as of the latest scored date."""

    as_of: dt.date
    arr: float
    expected_arr_lost: float
    arr_without_probability: float
    """ARR renewing with no churn probability (no model, no year of scores): GRR unknown."""
    expansion_rate: float
    """Past year's, per year; GRR and NRR apply it (and contraction) over the 12 months."""
    contraction_rate: float
    grr: float | None
    nrr: float | None
    by_month: list[RenewalPeriod]


class TrendsPage(BaseModel):
    scorecard: str
    bands: list[BandInfo]
    per_date: list[BandPoint]
    """Accounts and ARR per band at each scored date."""
    totals: list[DateTotal]
    per_month: list[MonthMoves]
    forecast: RenewalForecast
    arr_at_risk_now: float
    """The portfolio's and My book's ARR at risk at the latest date: with the churn model's
    probabilities where `vigie predict` ran, so it differs from `totals`' last, by score."""
    by_model: bool
    """Some account's risk in `arr_at_risk_now` is a churn-model probability."""


def trends(ws: Workspace, scorecard: str | None = None) -> TrendsPage:
    """Built once per data change: a few aggregations over the whole score history."""
    run = latest(ws, scorecard)
    return cached(ws, ("trends", run.scorecard, run.as_of), lambda: _trends(ws, run))


def _trends(ws: Workspace, run: Latest) -> TrendsPage:
    """`run`: the latest scoring run, built once for the portfolio (built again under
    another cache key, it doubled a cold page's time)."""
    card, as_of, book = run.scorecard, run.as_of, run.table
    band_list = bands(ws, card, as_of)
    snaps = ws.con.table(SNAPSHOTS).filter(ibis._.scorecard == card)
    dates = snaps.select("as_of").distinct().to_pyarrow()["as_of"].to_pylist()
    state = account_state(ws, dates_table(dates)).select(
        "account_id", "as_of", "arr", "days_to_renewal"
    )
    scored = snaps.select("account_id", "as_of", "band", "score").join(
        state, ["account_id", "as_of"]
    )
    totals = (
        scored.group_by("as_of")
        .agg(
            accounts=scored.count(),
            arr=scored.arr.sum().fill_null(0),
            arr_at_risk=(
                scored.arr
                * score_risk(scored.score)
                * proximity(scored.days_to_renewal).fill_null(1.0)
            )
            .sum()
            .fill_null(0),
        )
        .order_by("as_of")
        .to_pyarrow()
        .to_pylist()
    )
    per_date = (
        scored.group_by("as_of", "band")
        .agg(accounts=scored.count(), arr=scored.arr.sum().fill_null(0))
        .order_by("as_of", "band")
        .to_pyarrow()
        .to_pylist()
    )
    worst, best = band_list[-1].name, band_list[0].name
    window = ibis.window(group_by="account_id", order_by="as_of")
    moves = snaps.select("account_id", "as_of", "band").mutate(
        previous=snaps.band.lag().over(window)
    )
    moves = moves.filter(moves.previous.notnull(), moves.previous != moves.band)
    per_month = (
        moves.group_by(month=moves.as_of.strftime("%Y-%m"))
        .agg(
            turned_worst=(moves.band == worst).sum(),
            recovered=((moves.previous == worst) & (moves.band == best)).sum(),
        )
        .order_by("month")
        .to_pyarrow()
        .to_pylist()
    )
    return TrendsPage(
        scorecard=card,
        bands=band_list,
        per_date=[BandPoint(**r) for r in per_date if r["band"] is not None],
        totals=[DateTotal(**r) for r in totals],
        per_month=[MonthMoves(**r) for r in per_month],
        # as of the latest predictions when made since the scores: they give the probabilities
        forecast=_forecast(ws, max(as_of, latest_prediction_date(ws) or as_of), card),
        arr_at_risk_now=pc.sum(book["arr_at_risk"]).as_py() or 0.0,
        by_model=book["churn_risk"].null_count < book.num_rows,
    )


def _forecast(ws: Workspace, as_of: dt.date, scorecard: str) -> RenewalForecast:
    f = forecast(ws, as_of, scorecard=scorecard)
    months = f.by_month.astype(object).where(f.by_month.notna(), None)
    return RenewalForecast(
        as_of=f.as_of,
        arr=f.arr,
        expected_arr_lost=f.expected_arr_lost,
        arr_without_probability=f.arr_without_probability,
        expansion_rate=f.expansion_rate,
        contraction_rate=f.contraction_rate,
        grr=None if math.isnan(f.grr) else f.grr,
        nrr=None if math.isnan(f.nrr) else f.nrr,
        by_month=[RenewalPeriod(**r) for r in months.to_dict("records")],
    )


def trends_chart(
    page: TrendsPage,
    titles: tuple[str, str, str, str],
    labels: tuple[str, str, str],
    band_label: Callable[[str], str],
) -> str:
    """Four panels: ARR per band (stacked) with ARR at risk, accounts per band, accounts
    turning red and recovering per month, and renewals by month with the expected loss.
    `labels` names the ARR at risk line and the renewing and expected-lost bars;
    `band_label` a band in the legends (translated)."""
    at_risk, renewing, lost = labels
    fig = make_subplots(rows=4, cols=1, subplot_titles=titles, vertical_spacing=0.08)
    for band in reversed(page.bands):
        points = [p for p in page.per_date if p.band == band.name]
        x = [p.as_of for p in points]
        fig.add_trace(
            go.Scatter(x=x, y=[p.arr for p in points], name=band_label(band.name), stackgroup="arr",
                       line={"color": band.colour}, legendgroup=band.name),
            row=1, col=1,
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(x=x, y=[p.accounts for p in points], name=band_label(band.name), stackgroup="n",
                       line={"color": band.colour}, legendgroup=band.name, showlegend=False),
            row=2, col=1,
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=[t.as_of for t in page.totals], y=[t.arr_at_risk for t in page.totals],
                   name=at_risk, line={"color": "#263238", "dash": "dot"}),
        row=1, col=1,
    )  # fmt: skip
    months = [m.month for m in page.per_month]
    worst, best = page.bands[-1], page.bands[0]
    fig.add_trace(
        go.Bar(x=months, y=[m.turned_worst for m in page.per_month],
               name=f"→ {band_label(worst.name)}",
               marker_color=worst.colour),
        row=3, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Bar(x=months, y=[m.recovered for m in page.per_month],
               name=f"{band_label(worst.name)} → {band_label(best.name)}",
               marker_color=best.colour),
        row=3, col=1,
    )  # fmt: skip
    renewals = page.forecast.by_month
    fig.add_trace(
        go.Bar(x=[r.period for r in renewals], y=[r.arr_renewing for r in renewals],
               name=renewing, marker_color="#90a4ae"),
        row=4, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Bar(x=[r.period for r in renewals], y=[r.expected_arr_lost for r in renewals],
               name=lost, marker_color=worst.colour),
        row=4, col=1,
    )  # fmt: skip
    for row in (3, 4):
        fig.update_xaxes(type="category", row=row, col=1)  # months, not dates
    fig.update_layout(height=1100, margin={"l": 50, "r": 10, "t": 30, "b": 30},
                      plot_bgcolor="white", barmode="group")  # fmt: skip
    return fig.to_json()


@router.get("/trends", response_class=HTMLResponse, include_in_schema=False)
def trends_html(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    scorecard: str | None = None,
) -> Response:
    page = trends(ws, scorecard)
    _ = Formatter(user.language).gettext
    titles = (
        _("ARR per band / ARR at risk"),
        _("Accounts per band"),
        _("Accounts turning red and recovering"),
        _("Renewals by month: ARR renewing and expected ARR lost"),
    )
    labels = (_("ARR at risk by score"), _("ARR renewing"), _("Expected ARR lost"))
    chart = trends_chart(page, titles, labels, _)
    context = {"page": page, "chart": chart, "currencies": book_currencies(ws)}
    return render(request, user, "trends.html", context)


@router.get("/api/trends", response_model=TrendsPage, tags=["trends"])
def trends_json(
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    scorecard: str | None = None,
) -> Response:
    """Accounts and ARR per band and ARR at risk at each scored date; band moves per month;
    the renewal forecast."""
    return json_response(trends(ws, scorecard))
