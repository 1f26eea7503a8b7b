"""Log in, log out, and choose the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vigie.web.auth import check_csrf, current_user, store_of
from vigie.web.render import render
from vigie.web.users import User

router = APIRouter(include_in_schema=False)


def N_(message: str) -> str:
    """Marks a message for the catalogue; the template translates it when rendering."""
    return message


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a user to another site after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/portfolio"


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/portfolio", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, None, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    check_csrf(request, csrf_token)
    limiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    context = {"next": _safe_next(next)}
    if limiter.blocked(client, username):
        context["error"] = N_("Too many failed logins. Wait a few minutes and try again.")
        return render(request, None, "login.html", context, status_code=429)
    user = store_of(request).authenticate(username, password)
    if user is None:
        limiter.failed(client, username)
        context["error"] = N_("Wrong user name or password.")
        return render(request, None, "login.html", context, status_code=401)
    limiter.succeeded(client, username)
    request.session.clear()  # a fresh session (and CSRF token) after login
    request.session["session"] = store_of(request).open_session(user.username)
    store_of(request).audit(user.username, "login", user.username, {"client": client})
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    check_csrf(request, csrf_token)
    store_of(request).close_session(request.session.get("session", ""))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/language")
def set_language(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    language: Annotated[str, Form()],
    csrf_token: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    check_csrf(request, csrf_token)
    store_of(request).set_language(user.username, language)
    store_of(request).audit(user.username, "language", user.username, {"language": language})
    return RedirectResponse(_safe_next(next), status_code=303)
