"""Portfolio trends: accounts and ARR per band at each scored date, accounts turning red and
recovering per month. Everything is aggregated by the backend; only the per-date and
per-month totals leave it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import ibis
import plotly.graph_objects as go
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from plotly.subplots import make_subplots
from pydantic import BaseModel

from vigie.engine.scoring import SNAPSHOTS
from vigie.engine.state import account_state, dates_table
from vigie.web.auth import current_user
from vigie.web.i18n import Formatter
from vigie.web.pages.common import BandInfo, bands, latest_run, workspace
from vigie.web.render import render
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


class TrendsPage(BaseModel):
    scorecard: str
    bands: list[BandInfo]
    per_date: list[BandPoint]
    per_month: list[MonthMoves]


def trends(ws: Workspace, scorecard: str | None = None) -> TrendsPage:
    card, as_of = latest_run(ws, scorecard)
    band_list = bands(ws, card, as_of)
    snaps = ws.con.table(SNAPSHOTS).filter(ibis._.scorecard == card)
    dates = snaps.select("as_of").distinct().to_pyarrow()["as_of"].to_pylist()
    state = account_state(ws, dates_table(dates)).select("account_id", "as_of", "arr")
    scored = snaps.select("account_id", "as_of", "band").join(state, ["account_id", "as_of"])
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
        per_month=[MonthMoves(**r) for r in per_month],
    )


def trends_chart(page: TrendsPage, titles: tuple[str, str]) -> str:
    """ARR per band over time (stacked areas) above accounts turning red / recovering."""
    fig = make_subplots(rows=2, cols=1, subplot_titles=titles, vertical_spacing=0.15)
    for band in reversed(page.bands):
        points = [p for p in page.per_date if p.band == band.name]
        fig.add_trace(
            go.Scatter(
                x=[p.as_of for p in points],
                y=[p.arr for p in points],
                name=band.name,
                stackgroup="arr",
                line={"color": band.colour},
            ),
            row=1,
            col=1,
        )
    months = [m.month for m in page.per_month]
    worst, best = page.bands[-1], page.bands[0]
    fig.add_trace(
        go.Bar(x=months, y=[m.turned_worst for m in page.per_month], name=f"→ {worst.name}",
               marker_color=worst.colour),
        row=2, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Bar(x=months, y=[m.recovered for m in page.per_month], name=f"{worst.name} → {best.name}",
               marker_color=best.colour),
        row=2, col=1,
    )  # fmt: skip
    fig.update_xaxes(type="category", row=2, col=1)  # months, not dates
    fig.update_layout(height=560, margin={"l": 50, "r": 10, "t": 30, "b": 30},
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
    chart = trends_chart(page, (_("ARR per band"), _("Accounts turning red and recovering")))
    return render(request, user, "trends.html", {"page": page, "chart": chart})


@router.get("/api/trends", response_model=TrendsPage, tags=["trends"])
def trends_json(
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    scorecard: str | None = None,
) -> TrendsPage:
    """Accounts and ARR per band at each scored date; band moves per month."""
    return trends(ws, scorecard)
