"""The board: accounts as cards in one column per band (kanban), with the portfolio's filters."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import pyarrow.compute as pc
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from vigie.web.auth import current_user
from vigie.web.pages.common import BandInfo, workspace
from vigie.web.pages.latest import book_currencies, latest
from vigie.web.pages.portfolio import PortfolioFilters, filter_choices, view
from vigie.web.pages.portfolio_routes import FormFilters
from vigie.web.render import render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()
CARDS_PER_COLUMN = 60


class Card(BaseModel):
    account_id: str
    name: str | None
    csm: str | None
    arr: float | None
    score: float | None
    arr_at_risk: float | None


class Column(BaseModel):
    band: BandInfo
    total: int
    """Accounts in the band (the column shows the first CARDS_PER_COLUMN by ARR at risk)."""
    cards: list[Card]


class BoardPage(BaseModel):
    scorecard: str
    as_of: dt.date
    filters: PortfolioFilters
    columns: list[Column]
    csms: list[str]
    segments: list[str]
    risk_types: list[str]
    signal_kinds: list[str]


def board(ws: Workspace, f: PortfolioFilters) -> BoardPage:
    run = latest(ws, f.scorecard)
    order = view(ws, run, f.model_copy(update={"sort": "arr_at_risk", "order": "desc"})).order
    band_of = run.table["band"].take(order).combine_chunks()
    columns = []
    for info in run.bands:
        positions = order.filter(pc.fill_null(pc.equal(band_of, info.name), False))
        rows = run.table.take(positions.slice(0, CARDS_PER_COLUMN))
        columns.append(
            Column(
                band=info,
                total=len(positions),
                cards=[
                    Card(
                        account_id=r["account_id"],
                        name=r["name"],
                        csm=r["csm"],
                        arr=r["arr"],
                        score=r["score_scaled"],
                        arr_at_risk=r["arr_at_risk"],
                    )
                    for r in rows.to_pylist()
                ],
            )
        )
    return BoardPage(
        scorecard=run.scorecard,
        as_of=run.as_of,
        filters=f,
        columns=columns,
        **filter_choices(run),
    )


@router.get("/board", response_class=HTMLResponse, include_in_schema=False)
def board_page(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    f: FormFilters,
) -> Response:
    context = {"page": board(ws, f), "currencies": book_currencies(ws)}
    return render(request, user, "board.html", context)


@router.get("/api/board", response_model=BoardPage, tags=["board"])
def board_json(
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    f: Annotated[PortfolioFilters, Query()],
) -> BoardPage:
    """Accounts per band, riskiest ARR first, with the portfolio's filters."""
    return board(ws, f)
