"""Routes of the portfolio: the page, its JSON twin, and CSV / XLSX exports of the current view."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from vigie.errors import VigieError
from vigie.web.auth import current_user
from vigie.web.pages.common import workspace
from vigie.web.pages.portfolio import PortfolioFilters, PortfolioPage, export_frame, portfolio
from vigie.web.render import render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()
UserDep = Annotated[User, Depends(current_user)]
WorkspaceDep = Annotated[Workspace, Depends(workspace)]


def form_filters(request: Request) -> PortfolioFilters:
    """Filters from a browser's GET form, where an empty field means "no filter"."""
    params: dict[str, object] = {}
    for key, value in request.query_params.multi_items():
        if value == "":
            continue
        if key == "band":
            params.setdefault("band", []).append(value)  # type: ignore[union-attr]
        else:
            params[key] = value
    try:
        return PortfolioFilters.model_validate(params)
    except ValidationError as exc:
        fields = ", ".join(str(e["loc"][0]) for e in exc.errors())
        raise VigieError(
            f"Invalid filter value for: {fields}. Correct it and apply again."
        ) from None


FormFilters = Annotated[PortfolioFilters, Depends(form_filters)]


@router.get("/portfolio", response_class=HTMLResponse, include_in_schema=False)
def portfolio_page(request: Request, user: UserDep, ws: WorkspaceDep, f: FormFilters) -> Response:
    return render(request, user, "portfolio.html", {"page": portfolio(ws, f)})


@router.get("/api/portfolio", response_model=PortfolioPage, tags=["portfolio"])
def portfolio_json(
    user: UserDep, ws: WorkspaceDep, f: Annotated[PortfolioFilters, Query()]
) -> PortfolioPage:
    """The portfolio page's data: latest score per account, filtered, sorted and paged."""
    return portfolio(ws, f)


@router.get("/portfolio.csv", include_in_schema=False)
def portfolio_csv(user: UserDep, ws: WorkspaceDep, f: FormFilters) -> Response:
    frame = export_frame(ws, f)
    return Response(
        frame.to_csv(index=False),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="portfolio.csv"'},
    )


@router.get("/portfolio.xlsx", include_in_schema=False)
def portfolio_xlsx(user: UserDep, ws: WorkspaceDep, f: FormFilters) -> Response:
    buffer = io.BytesIO()
    export_frame(ws, f).to_excel(buffer, index=False, sheet_name="portfolio")
    return Response(
        buffer.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="portfolio.xlsx"'},
    )
