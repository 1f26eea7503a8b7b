"""Routes of the account page, its JSON twin, and the override form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vigie.engine.overrides import add_override
from vigie.errors import OverrideError, UnknownAccountError, VigieError
from vigie.sentiment import record_sentiment
from vigie.web.auth import check_csrf, current_user, require_editor, store_of
from vigie.web.i18n import Formatter
from vigie.web.pages.account import AccountPage, account_page, history_chart
from vigie.web.pages.common import latest_run, scorecard_spec, workspace
from vigie.web.render import render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()
UserDep = Annotated[User, Depends(current_user)]
WorkspaceDep = Annotated[Workspace, Depends(workspace)]


def _page(
    request: Request, user: User, page: AccountPage, error: str | None = None, status: int = 200
) -> Response:
    chart = history_chart(page, Formatter(user.language).gettext("Score"))
    can_edit = user.can_edit_account(page.account.get("csm"))
    context = {"page": page, "chart": chart, "can_edit": can_edit, "error": error}
    return render(request, user, "account.html", context, status_code=status)


@router.get("/accounts/{account_id}", response_class=HTMLResponse, include_in_schema=False)
def account_html(
    request: Request,
    account_id: str,
    user: UserDep,
    ws: WorkspaceDep,
    scorecard: str | None = None,
    before: dt.date | None = None,
    after: dt.date | None = None,
) -> Response:
    return _page(request, user, account_page(ws, account_id, scorecard, before, after))


@router.get(
    "/api/accounts/{account_id}",
    response_model=AccountPage,
    tags=["accounts"],
    responses={400: {"description": "Unknown account or no score yet"}},
)
def account_json(
    account_id: str,
    user: UserDep,
    ws: WorkspaceDep,
    scorecard: str | None = None,
    before: dt.date | None = None,
    after: dt.date | None = None,
) -> AccountPage:
    """The account page's data; `before`/`after` choose the dates of "what changed"."""
    return account_page(ws, account_id, scorecard, before, after)


@router.post("/accounts/{account_id}/override", include_in_schema=False)
def override_form(
    request: Request,
    account_id: str,
    user: UserDep,
    ws: WorkspaceDep,
    target: Annotated[str, Form()],
    value: Annotated[float, Form()],
    reason: Annotated[str, Form()],
    until: Annotated[dt.date, Form()],
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    check_csrf(request, csrf_token)
    require_editor(user, _account_csm(ws, account_id))
    card_name, _ = latest_run(ws, None)
    card = scorecard_spec(ws.root, card_name)
    try:
        if card is None:
            raise OverrideError(
                f"Scorecard {card_name!r} is neither bundled nor uploaded on the Scorecards page; "
                "upload it there to allow overrides."
            )
        row = add_override(ws, card, account_id, target, value, reason, until, author=user.username)
    except VigieError as exc:
        return _page(request, user, account_page(ws, account_id), str(exc), status=400)
    store_of(request).audit(user.username, "override", account_id, row)
    return RedirectResponse(f"/accounts/{account_id}", status_code=303)


@router.post("/accounts/{account_id}/sentiment", include_in_schema=False)
def sentiment_form(
    request: Request,
    account_id: str,
    user: UserDep,
    ws: WorkspaceDep,
    rating: Annotated[str, Form()],
    reasons: Annotated[list[str] | None, Form()] = None,
    comment: Annotated[str | None, Form()] = None,
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    """A CSM's own colour for the account, with reasons and a comment."""
    check_csrf(request, csrf_token)
    require_editor(user, _account_csm(ws, account_id))
    try:
        row = record_sentiment(
            ws, account_id, rating, reasons or [], (comment or "").strip() or None, user.username
        )
    except VigieError as exc:
        return _page(request, user, account_page(ws, account_id), str(exc), status=400)
    store_of(request).audit(user.username, "sentiment", account_id, row)
    return RedirectResponse(f"/accounts/{account_id}#sentiments", status_code=303)


def _account_csm(ws: Workspace, account_id: str) -> str | None:
    accounts = ws.table("accounts")
    found = (
        accounts.filter(accounts.account_id == account_id).select("csm").to_pyarrow().to_pylist()
    )
    if not found:
        raise UnknownAccountError(f"No account {account_id!r} in workspace {ws.root}.")
    return found[0]["csm"]
