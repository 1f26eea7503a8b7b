"""Actions and their outcomes: every action with status, outcome and notes, and whether they work.

The list is `vigie.playbooks.actions.list_actions` (what `vigie actions list`
shows) with each account's name and CSM; the effectiveness figures are
`vigie.playbooks.effectiveness.effectiveness` (`vigie actions effectiveness`)
as of the latest scored date, built once per data change.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from vigie.playbooks.actions import list_actions
from vigie.playbooks.effectiveness import effectiveness
from vigie.schema import ACTION_STATUSES
from vigie.web.auth import current_user
from vigie.web.pages.common import NoScores, paged, query_model, workspace
from vigie.web.pages.latest import cached, latest
from vigie.web.render import json_response, render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()


class ActionFilters(BaseModel):
    status: Literal["open", "done", "dismissed"] | None = None
    account: str | None = Field(None, max_length=200, description="account id")
    owner: str | None = Field(None, max_length=200)
    csm: str | None = Field(None, max_length=200, description="the account's CSM")
    playbook: str | None = Field(None, max_length=200)
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=500)


class ActionRow(BaseModel):
    action_id: str
    account_id: str
    name: str | None
    csm: str | None
    playbook: str | None
    reason: str | None
    owner: str | None
    created_at: dt.datetime
    due_at: dt.datetime | None
    status: str
    completed_at: dt.datetime | None
    outcome: str | None
    notes: str | None
    overdue: bool
    """Open and past its due time."""


class PlaybookEffect(BaseModel):
    playbook: str
    started_red: int
    """Actions (or, for the baseline, accounts) that started in the lowest band."""
    recovered: int
    """... that reached the top band within 90 days."""
    pending: int
    """Started red less than 90 days ago and not recovered yet: not counted either way."""
    recovery_rate: float | None
    """None while every start is pending."""
    saved_arr: float


class MonthCount(BaseModel):
    month: str
    accounts: int


class ActionsPage(BaseModel):
    as_of: dt.date | None
    """The latest scored date, which the effectiveness figures are computed at."""
    filters: ActionFilters
    total: int
    pages: int
    counts: dict[str, int]
    """Actions per status among those the other filters keep."""
    playbooks: list[str]
    rows: list[ActionRow]
    turned_red: list[MonthCount]
    effectiveness: list[PlaybookEffect]
    """Recovery per playbook, and `(no action)`: the baseline of untouched red accounts."""


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def actions_page(ws: Workspace, f: ActionFilters) -> ActionsPage:
    frame = list_actions(ws, account=f.account, owner=f.owner)
    accounts = ws.table("accounts").select("account_id", "name", "csm").to_pandas()
    frame = frame.merge(accounts, on="account_id", how="left")
    if f.csm:
        frame = frame[frame["csm"] == f.csm]
    if f.playbook:
        frame = frame[frame["playbook"] == f.playbook]
    counts = frame["status"].value_counts()
    playbooks = sorted(frame["playbook"].dropna().unique())
    if f.status:
        frame = frame[frame["status"] == f.status]
    now = pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None))
    frame = frame.assign(overdue=(frame["status"] == "open") & (frame["due_at"] < now))
    f, pages = paged(f, len(frame))
    shown = frame.iloc[(f.page - 1) * f.per_page : f.page * f.per_page]
    as_of, turned, effects = _effectiveness(ws)
    return ActionsPage(
        as_of=as_of,
        filters=f,
        total=len(frame),
        pages=pages,
        counts={s: int(counts.get(s, 0)) for s in ACTION_STATUSES},
        playbooks=playbooks,
        rows=[ActionRow(**r) for r in _records(shown)],
        turned_red=turned,
        effectiveness=effects,
    )


def _effectiveness(
    ws: Workspace,
) -> tuple[dt.date | None, list[MonthCount], list[PlaybookEffect]]:
    """Effectiveness at the latest scored date (nothing before the first scoring run)."""
    try:
        as_of = latest(ws, None).as_of
    except NoScores:
        return None, [], []
    e = cached(ws, ("effectiveness", as_of), lambda: effectiveness(ws, as_of))
    return (
        as_of,
        [MonthCount(**r) for r in _records(e.turned_red)],
        [PlaybookEffect(**r) for r in _records(e.playbooks)],
    )


async def filters_from(request: Request) -> ActionFilters:
    return query_model(ActionFilters, request)


@router.get("/actions", response_class=HTMLResponse, include_in_schema=False)
def actions_html(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    f: Annotated[ActionFilters, Depends(filters_from)],
) -> Response:
    return render(request, user, "actions.html", {"page": actions_page(ws, f)})


@router.get("/api/actions", response_model=ActionsPage, tags=["actions"])
def actions_json(
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    f: Annotated[ActionFilters, Query()],
) -> Response:
    """Actions, newest first, with status, outcome and notes; recovery per playbook."""
    return json_response(actions_page(ws, f))
