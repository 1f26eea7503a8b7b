"""Who is asking: session cookie or API token, roles, CSRF tokens and login rate limiting.

Sessions are Starlette's signed cookie (HttpOnly, SameSite=Lax) holding only
the user name and the CSRF token. API clients send `Authorization: Bearer
TOKEN`. Every form carries the session's CSRF token; a write without it is
refused before anything is read from the form's data.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from fastapi import Request

from vigie.web.users import User, UserStore

CSRF_FIELD = "csrf_token"


class NotAuthenticated(Exception):
    """No valid session or token: pages redirect to the login form, the API answers 401."""


class Forbidden(Exception):
    """Authenticated, but this role may not do this (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CsrfRejected(Exception):
    """A form post without the session's CSRF token (403)."""


def store_of(request: Request) -> UserStore:
    return request.app.state.users


async def current_user(request: Request) -> User:
    """FastAPI dependency: the user behind a Bearer token or the session cookie.

    Async: one indexed SQLite read (well under a millisecond) is cheaper in the event
    loop than a hop through the thread pool, which under load waits for the GIL.
    """
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = store_of(request).user_for_token(header[7:].strip())
        if user is None:
            raise NotAuthenticated
        return user
    user = session_user(request)
    if user is None:
        raise NotAuthenticated
    return user


def session_user(request: Request) -> User | None:
    """The user logged in by the browser session cookie, if any (also for error pages)."""
    session = request.session.get("session") if "session" in request.scope else None
    return store_of(request).user_for_session(session) if session else None


def require_admin(user: User) -> None:
    if user.role != "admin":
        raise Forbidden("Only an admin can do this.")


def require_editor(user: User, account_csm: str | None) -> None:
    """Admins edit every account; a CSM edits the accounts of their own book."""
    if not user.can_edit_account(account_csm):
        raise Forbidden(
            "Only an admin or the account's CSM can change this account."
            if user.role != "viewer"
            else "Viewers can read but not change anything."
        )


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (also before login)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    expected = request.session.get("csrf")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise CsrfRejected


class LoginLimiter:
    """At most `attempts` failed logins per (client, user name) in a sliding `window` of seconds."""

    def __init__(self, attempts: int = 5, window: float = 300.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, client: str, username: str) -> bool:
        with self._lock:
            return len(self._recent((client, username.lower()), time.monotonic())) >= self.attempts

    def failed(self, client: str, username: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent((client, username.lower()), now).append(now)

    def succeeded(self, client: str, username: str) -> None:
        with self._lock:
            self._failures.pop((client, username.lower()), None)
