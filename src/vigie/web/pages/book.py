"""My book: a CSM's worklist, largest ARR at risk first, with risk type, evidence and next action.

The ranking is `vigie.playbooks.worklist.worklist`, the function behind `vigie
worklist`, as of the latest scored date; it is built once per data change. A
CSM sees their own book by default; anyone may pick another CSM's book or
every CSM's (reading is open to all roles, writing is not).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from vigie.playbooks.actions import list_actions
from vigie.playbooks.rules import load_playbooks
from vigie.playbooks.worklist import account_facts, worklist
from vigie.predict.store import latest_prediction_date
from vigie.signals.compute import latest_signal_date
from vigie.web.auth import current_user
from vigie.web.pages.common import colour_of, workspace
from vigie.web.pages.latest import book_currencies, cached, latest
from vigie.web.render import render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()
MAX_ROWS = 1000


class BookRow(BaseModel):
    account_id: str
    name: str | None
    csm: str | None
    segment: str | None
    arr: float | None
    score: float | None
    band: str | None
    colour: str
    risk: float
    """Churn probability (model) or (100 - score on 0-100) / 100; 0.5 when neither is known."""
    days_to_renewal: int | None
    arr_at_risk: float
    """ARR x risk x renewal proximity (1 to 2), as `vigie worklist` ranks."""
    risk_type: str | None
    evidence: str | None
    playbook: str
    action: str
    owner: str | None
    priority: int
    due: dt.date
    due_days: int
    """Days from today to `due`: what logging the action sets."""
    open_action: str | None
    """The action already open for this playbook (then `due` is its due date): nothing to log."""


class BookPage(BaseModel):
    as_of: dt.date
    csm: str | None
    """The book shown; null means every CSM's."""
    csms: list[str]
    total: int
    arr_at_risk: float
    rows: list[BookRow]


def full_worklist(ws: Workspace) -> tuple[pd.DataFrame, dt.date]:
    """Every account with a next action at the latest scored date, or at the latest signals'
    or churn predictions' date when they were computed since (`vigie predict` dates them
    today), riskiest first (cached)."""
    as_of = latest(ws, None).as_of  # the latest run is kept per data version: no query
    as_of = max(as_of, latest_signal_date(ws) or as_of, latest_prediction_date(ws) or as_of)
    today = dt.datetime.now(dt.UTC).date()

    def make() -> pd.DataFrame:
        facts = account_facts(ws, as_of)
        # due dates count from today, the day "Log action" opens the action with them
        rows = worklist(facts, load_playbooks(workspace=ws), list_actions(ws), today)
        return rows.assign(due_days=(pd.to_datetime(rows["due"]) - pd.Timestamp(today)).dt.days)

    return cached(ws, ("worklist", as_of, today), make), as_of


def book(ws: Workspace, csm: str | None, limit: int = 200) -> BookPage:
    rows, as_of = full_worklist(ws)
    if csm is not None:
        rows = rows[rows["csm"] == csm]
    run = latest(ws, None)
    shown = rows.head(limit).astype(object).where(rows.head(limit).notna(), None)
    return BookPage(
        as_of=as_of,
        csm=csm,
        csms=run.csms,
        total=len(rows),
        arr_at_risk=float(rows["arr_at_risk"].sum()),
        rows=[
            BookRow(
                **{k: r[k] for k in BookRow.model_fields if k in r and k != "colour"},
                colour=colour_of(run.bands, r["band"]),
            )
            for r in shown.to_dict("records")
        ],
    )


def chosen_csm(user: User, csm: str | None) -> str | None:
    """No choice: a CSM's own book, everyone's for other roles. An empty choice: everyone's."""
    if csm is None:
        return user.csm if user.role == "csm" else None
    return csm or None


CsmQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        description="The CSM's book (accounts.csm). Omitted: your own book as a CSM, every "
        "CSM's otherwise. Empty: every CSM's.",
    ),
]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_ROWS)]


@router.get("/book", response_class=HTMLResponse, include_in_schema=False)
def book_html(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    csm: CsmQuery = None,
    limit: LimitQuery = 200,
) -> Response:
    page = book(ws, chosen_csm(user, csm), limit)
    return render(request, user, "book.html", {"page": page, "currencies": book_currencies(ws)})


@router.get("/api/book", response_model=BookPage, tags=["book"])
def book_json(
    user: Annotated[User, Depends(current_user)],
    ws: Annotated[Workspace, Depends(workspace)],
    csm: CsmQuery = None,
    limit: LimitQuery = 200,
) -> BookPage:
    """A CSM's worklist (`vigie worklist`): accounts needing an action, most ARR at risk first."""
    return book(ws, chosen_csm(user, csm), limit)
