"""The alerts log: every alert delivery (`vigie alerts run`), newest attempt first, filterable.

Reads `vigie.alerts.deliver.delivery_log`, the table each run writes once after
sending: one row per (alert, channel, recipient) with its status and last error.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from vigie.alerts.config import CHANNELS
from vigie.alerts.deliver import delivery_log
from vigie.web.auth import current_user
from vigie.web.pages.common import paged, query_model, workspace
from vigie.web.render import json_response, render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()


class AlertFilters(BaseModel):
    status: Literal["sent", "failed"] | None = None
    channel: Literal["webhook", "email"] | None = None
    rule: str | None = Field(None, max_length=200)
    csm: str | None = Field(None, max_length=200)
    account: str | None = Field(None, max_length=200, description="account id")
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=500)


class Delivery(BaseModel):
    alert_key: str
    rule: str | None
    account_id: str | None
    name: str | None
    csm: str | None
    channel: str
    recipient: str
    text: str | None
    status: str
    attempts: int
    last_error: str | None
    first_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None


class AlertsPage(BaseModel):
    filters: AlertFilters
    total: int
    pages: int
    sent: int
    failed: int
    rules: list[str]
    channels: list[str]
    rows: list[Delivery]


def alerts_page(ws: Workspace, f: AlertFilters) -> AlertsPage:
    log = delivery_log(ws)
    rules = sorted(log["rule"].dropna().unique())  # the rules' names, as the filter reads them
    for column, value in (
        ("status", f.status),
        ("channel", f.channel),
        ("rule", f.rule),
        ("csm", f.csm),
        ("account_id", f.account),
    ):
        if value:
            log = log[log[column] == value]
    f, pages = paged(f, len(log))
    shown = log.iloc[(f.page - 1) * f.per_page : f.page * f.per_page]
    shown = shown.astype(object).where(shown.notna(), None)
    return AlertsPage(
        filters=f,
        total=len(log),
        pages=pages,
        sent=int((log["status"] == "sent").sum()),
        failed=int((log["status"] == "failed").sum()),
        rules=rules,
        channels=list(CHANNELS),
        rows=[Delivery(**r) for r in shown.to_dict("records")],
    )


async def filters_from(request: Request) -> AlertFilters:
    return query_model(AlertFilters, request)


@router.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
def alerts_html(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    f: Annotated[AlertFilters, Depends(filters_from)],
) -> Response:
    return render(request, user, "alerts.html", {"page": alerts_page(ws, f)})


@router.get("/api/alerts", response_model=AlertsPage, tags=["alerts"])
def alerts_json(
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    f: Annotated[AlertFilters, Query()],
) -> Response:
    """Alert deliveries (one per alert, channel and recipient), newest attempt first."""
    return json_response(alerts_page(ws, f))
