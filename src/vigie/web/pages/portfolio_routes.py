"""Routes of the portfolio: the page, its JSON twin, and CSV / XLSX exports of the current view."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from vigie.spreadsheet import csv_text, write_xlsx
from vigie.web.auth import current_user
from vigie.web.pages.common import query_model, workspace
from vigie.web.pages.latest import book_currencies, cached
from vigie.web.pages.portfolio import PortfolioFilters, PortfolioPage, export_frame, portfolio
from vigie.web.render import fragment, json_response, language, render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()
UserDep = Annotated[User, Depends(current_user)]
WorkspaceDep = Annotated[Workspace, Depends(workspace)]


async def form_filters(request: Request) -> PortfolioFilters:
    return query_model(PortfolioFilters, request)


FormFilters = Annotated[PortfolioFilters, Depends(form_filters)]


@router.get("/portfolio", response_class=HTMLResponse, include_in_schema=False)
def portfolio_page(request: Request, user: UserDep, ws: WorkspaceDep, f: FormFilters) -> Response:
    page = portfolio(ws, f)
    lang = language(request, user)
    rows = cached(
        ws,
        ("portfolio-rows", lang, f.model_dump_json()),
        lambda: fragment(request, "_portfolio_rows.html", lang, {"page": page}),
        "views",
    )
    context = {"page": page, "rows": rows, "currencies": book_currencies(ws)}
    return render(request, user, "portfolio.html", context)


@router.get("/api/portfolio", response_model=PortfolioPage, tags=["portfolio"])
def portfolio_json(
    user: UserDep, ws: WorkspaceDep, f: Annotated[PortfolioFilters, Query()]
) -> Response:
    """The portfolio page's data: latest score per account, filtered, sorted and paged."""
    return json_response(portfolio(ws, f))


@router.get("/portfolio.csv", include_in_schema=False)
def portfolio_csv(user: UserDep, ws: WorkspaceDep, f: FormFilters) -> Response:
    frame = export_frame(ws, f)
    return Response(
        "\ufeff" + csv_text(frame),  # the BOM: Excel reads UTF-8 (accented names) right
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="portfolio.csv"'},
    )


@router.get("/portfolio.xlsx", include_in_schema=False)
def portfolio_xlsx(user: UserDep, ws: WorkspaceDep, f: FormFilters) -> Response:
    buffer = io.BytesIO()
    write_xlsx(export_frame(ws, f), buffer, "portfolio")
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="portfolio.xlsx"'},
    )
