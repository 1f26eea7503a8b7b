"""Routes of the account page, its JSON twin, and its forms: override, sentiment, actions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import quote

import pandas as pd
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vigie.engine.overrides import add_override
from vigie.errors import OverrideError, PlaybookError, UnknownAccountError, VigieError
from vigie.playbooks.actions import close_action, open_actions
from vigie.scorecard.named import scorecard_spec
from vigie.sentiment import record_sentiment
from vigie.web.auth import check_csrf, current_user, require_editor, store_of
from vigie.web.i18n import Formatter
from vigie.web.pages.account import AccountPage, account_page, history_chart
from vigie.web.pages.common import latest_run, workspace
from vigie.web.render import render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()
MANUAL = "manual"
"""The playbook name of an action logged by hand (as `vigie actions add` names it)."""
UserDep = Annotated[User, Depends(current_user)]
WorkspaceDep = Annotated[Workspace, Depends(workspace)]


def _page(
    request: Request, user: User, page: AccountPage, error: str | None = None, status: int = 200
) -> Response:
    chart = history_chart(page, Formatter(user.language).gettext("Score"))
    can_edit = user.can_edit_account(page.account.get("csm"))
    context = {"page": page, "chart": chart, "can_edit": can_edit, "error": error}
    return render(request, user, "account.html", context, status_code=status)


@router.get("/accounts/{account_id:path}", response_class=HTMLResponse, include_in_schema=False)
def account_html(
    request: Request,
    account_id: str,
    user: UserDep,
    ws: WorkspaceDep,
    scorecard: str | None = None,
    before: dt.date | None = None,
    after: dt.date | None = None,
) -> Response:
    try:
        page = account_page(ws, account_id, scorecard, before, after)
    except UnknownAccountError:
        if account_id.rpartition("/")[2] in FORMS:  # a form's address opened as a page
            raise HTTPException(405, headers={"Allow": "POST"}) from None
        raise
    return _page(request, user, page)


FORMS = ("override", "sentiment", "actions")
"""The forms an account page posts to, at /accounts/ID/<form>."""


@router.get(
    "/api/accounts/{account_id:path}",
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


@router.post("/accounts/{account_id:path}/override", include_in_schema=False)
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
    return RedirectResponse(f"/accounts/{quote(account_id)}", status_code=303)


@router.post("/accounts/{account_id:path}/sentiment", include_in_schema=False)
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
    return RedirectResponse(f"/accounts/{quote(account_id)}#sentiments", status_code=303)


@router.post("/accounts/{account_id:path}/actions", include_in_schema=False)
def log_action_form(
    request: Request,
    account_id: str,
    user: UserDep,
    ws: WorkspaceDep,
    reason: Annotated[str, Form(min_length=1, max_length=500)],
    playbook: Annotated[str, Form(max_length=200)] = MANUAL,
    owner: Annotated[str | None, Form(max_length=200)] = None,
    due_days: Annotated[int, Form(ge=0, le=365)] = 7,
    next: Annotated[str | None, Form()] = None,
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    """Open an action (the recommended one, or a free one) like `vigie actions add`."""
    check_csrf(request, csrf_token)
    csm = _account_csm(ws, account_id)
    require_editor(user, csm)
    if not reason.strip():
        error = "An action needs a reason: say what to do and why."
        return _page(request, user, account_page(ws, account_id), error, status=400)
    row = {
        "account_id": account_id,
        "playbook": playbook.strip() or MANUAL,
        "reason": reason.strip(),
        "owner": (owner or "").strip() or csm or user.username,
        "due_days": due_days,
    }
    created = open_actions(ws, pd.DataFrame([row]))
    if created.empty:
        error = (
            f"{account_id} already has an open {row['playbook']!r} action: complete or dismiss "
            "it first."
        )
        return _page(request, user, account_page(ws, account_id), error, status=400)
    action = created.iloc[0]
    store_of(request).audit(
        user.username, "action", account_id, {**row, "action_id": action["action_id"]}
    )
    return RedirectResponse(
        _safe_next(next, f"/accounts/{quote(account_id)}#actions"), status_code=303
    )


@router.post("/actions/{action_id}/close", include_in_schema=False)
def close_action_form(
    request: Request,
    action_id: str,
    user: UserDep,
    ws: WorkspaceDep,
    status: Annotated[Literal["done", "dismissed"], Form()],
    outcome: Annotated[str | None, Form(max_length=500)] = None,
    notes: Annotated[str | None, Form(max_length=2000)] = None,
    next: Annotated[str | None, Form()] = None,
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    """Complete or dismiss an open action with its outcome and notes (`vigie actions done`)."""
    check_csrf(request, csrf_token)
    actions = ws.table("actions")
    found = actions.filter(actions.action_id == action_id).select("account_id").to_pyarrow()
    if found.num_rows == 0:
        raise PlaybookError(f"No action {action_id!r}; the Actions page lists them.")
    account_id = found["account_id"][0].as_py()
    require_editor(user, _account_csm(ws, account_id))
    try:
        row = close_action(
            ws, action_id, status, (outcome or "").strip() or None, (notes or "").strip() or None
        )
    except VigieError as exc:
        return _page(request, user, account_page(ws, account_id), str(exc), status=400)
    detail = {"status": status, "outcome": row["outcome"], "notes": row["notes"]}
    store_of(request).audit(user.username, "action_close", action_id, detail)
    return RedirectResponse(
        _safe_next(next, f"/accounts/{quote(account_id)}#actions"), status_code=303
    )


def _safe_next(target: str | None, default: str) -> str:
    """Only local paths: a form never sends the user to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def _account_csm(ws: Workspace, account_id: str) -> str | None:
    accounts = ws.table("accounts")
    found = (
        accounts.filter(accounts.account_id == account_id).select("csm").to_pyarrow().to_pylist()
    )
    if not found:
        raise UnknownAccountError(f"No account {account_id!r} in workspace {ws.root}.")
    return found[0]["csm"]
