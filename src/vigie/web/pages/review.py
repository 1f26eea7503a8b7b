"""The review queue: accounts whose score band and CSM sentiment disagree (vigie.review)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from vigie.review import review_queue
from vigie.web.auth import current_user
from vigie.web.pages.common import latest_run, paged, query_model, workspace
from vigie.web.render import render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()


class ReviewFilters(BaseModel):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(100, ge=1, le=500)


class ReviewPage(BaseModel):
    as_of: dt.date
    filters: ReviewFilters
    total: int
    pages: int
    entries: list[dict[str, Any]]
    """One page of the unresolved disagreements, most ARR first, with both sides' evidence
    (a 25,000-account book had 2,618: a 1.6 MB page)."""


def review(ws: Workspace, f: ReviewFilters) -> ReviewPage:
    _, as_of = latest_run(ws, None)
    queue = review_queue(ws, as_of)
    f, pages = paged(f, len(queue))
    shown = queue.iloc[(f.page - 1) * f.per_page : f.page * f.per_page]
    shown = shown.astype(object).where(shown.notna(), None)
    return ReviewPage(
        as_of=as_of, filters=f, total=len(queue), pages=pages, entries=shown.to_dict("records")
    )


async def filters_from(request: Request) -> ReviewFilters:
    return query_model(ReviewFilters, request)


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_html(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    f: Annotated[ReviewFilters, Depends(filters_from)],
) -> Response:
    return render(request, user, "review.html", {"page": review(ws, f)})


@router.get("/api/review", response_model=ReviewPage, tags=["review"])
def review_json(
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    f: Annotated[ReviewFilters, Query()],
) -> ReviewPage:
    """The review queue at the latest scored date, a page at a time."""
    return review(ws, f)
