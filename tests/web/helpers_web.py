"""Test helpers for the web tests: users, the test client, logging in."""

from __future__ import annotations

import re
import warnings

from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.10 nudges towards httpx2, which the project does not install; httpx works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

PASSWORDS = {"admin": "admin-pass-1", "alice": "alice-pass-1", "victor": "victor-pass-1"}
ALICE_BOOK = "Alice Martin"
"""Alice (role csm) owns the accounts whose `csm` is this."""

__all__ = ["ALICE_BOOK", "PASSWORDS", "TestClient", "csrf_of", "log_in"]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def log_in(client: TestClient, username: str) -> TestClient:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORDS[username], "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client
