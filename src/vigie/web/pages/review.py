"""The review queue: accounts whose score band and CSM sentiment disagree (vigie.review)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from vigie.review import review_queue
from vigie.web.auth import current_user
from vigie.web.pages.common import latest_run, workspace
from vigie.web.render import render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()


class ReviewPage(BaseModel):
    as_of: dt.date
    entries: list[dict[str, Any]]
    """Unresolved disagreements, most ARR first, with both sides' evidence."""


def review(ws: Workspace) -> ReviewPage:
    _, as_of = latest_run(ws, None)
    queue = review_queue(ws, as_of)
    queue = queue.astype(object).where(queue.notna(), None)
    return ReviewPage(as_of=as_of, entries=queue.to_dict("records"))


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_html(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
) -> Response:
    return render(request, user, "review.html", {"page": review(ws)})


@router.get("/api/review", response_model=ReviewPage, tags=["review"])
def review_json(
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
) -> ReviewPage:
    """The review queue at the latest scored date."""
    return review(ws)
