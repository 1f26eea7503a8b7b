"""Login, sessions, CSRF, API tokens, rate limiting, roles and the audit log."""

from __future__ import annotations

import pytest
from helpers_web import PASSWORDS, csrf_of

from vigie.web.users import UserStore


def test_pages_redirect_to_login_and_api_answers_401(client_for) -> None:
    client = client_for()
    page = client.get("/portfolio?band=red", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fportfolio%3Fband%3Dred"
    api = client.get("/api/portfolio")
    assert api.status_code == 401
    assert api.headers["www-authenticate"] == "Bearer"


def test_login_sets_an_httponly_samesite_session_and_returns_to_next(client_for) -> None:
    client = client_for()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "victor",
            "password": PASSWORDS["victor"],
            "csrf_token": token,
            "next": "/board",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/board"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/portfolio").status_code == 200


def test_login_never_redirects_off_site(client_for) -> None:
    client = client_for()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "victor",
            "password": PASSWORDS["victor"],
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/portfolio"


def test_wrong_password_then_rate_limit(client_for) -> None:
    client = client_for()
    token = csrf_of(client.get("/login").text)
    bad = {"username": "victor", "password": "wrong-password", "csrf_token": token}
    for _ in range(5):
        assert client.post("/login", data=bad).status_code == 401
    good = {**bad, "password": PASSWORDS["victor"]}
    blocked = client.post("/login", data=good, follow_redirects=False)
    assert blocked.status_code == 429
    assert "Too many failed logins" in blocked.text
    other_user = {**good, "username": "alice", "password": PASSWORDS["alice"]}
    assert client.post("/login", data=other_user, follow_redirects=False).status_code == 303


def test_login_without_csrf_token_is_refused(client_for) -> None:
    client = client_for()
    client.get("/login")
    response = client.post("/login", data={"username": "victor", "password": PASSWORDS["victor"]})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (
            "/accounts/ACC-00001/override",
            {"target": "overall", "value": "50", "reason": "x", "until": "2099-01-01"},
        ),
        ("/accounts/ACC-00001/actions", {"reason": "call them", "due_days": "7"}),
        ("/actions/A-0000000000/close", {"status": "done", "outcome": "renewed"}),
        ("/language", {"language": "fr"}),
        ("/logout", {}),
    ],
)
def test_every_form_refuses_a_missing_or_wrong_csrf_token(
    client_for, workspace_dir, path: str, data: dict
) -> None:
    client = client_for("admin", workspace_dir)
    for token in (None, "forged"):
        sent = data if token is None else {**data, "csrf_token": token}
        assert client.post(path, data=sent).status_code == 403
    assert client.get("/api/portfolio").status_code == 200  # still logged in
    assert UserStore(workspace_dir).get("admin").language == "en"
    assert {a["action"] for a in UserStore(workspace_dir).audit_log()} == {"login"}


def test_upload_forms_refuse_a_missing_csrf_token(client_for, workspace_dir) -> None:
    client = client_for("admin", workspace_dir)
    files = {"file": ("card.yaml", b"name: x\n")}
    assert client.post("/scorecards", files=files).status_code == 403
    data = {"table": "accounts"}
    assert client.post("/data/import", data=data, files=files).status_code == 403


def test_api_token_authenticates_and_is_stored_hashed(client_for, workspace_dir) -> None:
    store = UserStore(workspace_dir)
    token = store.create_token("victor", "ci")
    client = client_for(None, workspace_dir)
    ok = client.get("/api/portfolio", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    bad = client.get("/api/portfolio", headers={"Authorization": "Bearer vg_not-a-token"})
    assert bad.status_code == 401
    assert token.encode() not in store.path.read_bytes()
    store.remove("victor")
    gone = client.get("/api/portfolio", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401


def test_passwords_are_argon2_hashes(scored_workspace) -> None:
    data = (scored_workspace / "web.sqlite").read_bytes()
    assert b"$argon2id$" in data
    assert PASSWORDS["admin"].encode() not in data


@pytest.mark.parametrize(
    "url", ["/api/trends?scorecard=%00", "/api/portfolio?csm=a%00b", "/api/accounts/A%00"]
)
def test_a_nul_character_in_the_url_is_a_client_error(client_for, url: str) -> None:
    response = client_for("victor").get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_no_page_can_be_framed_by_another_site(client_for) -> None:
    for path in ("/login", "/portfolio", "/api/portfolio"):
        response = client_for("victor").get(path)
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == "frame-ancestors 'none'"


def test_logging_out_ends_the_session_on_the_server(client_for) -> None:
    client = client_for("victor")
    copied = client.cookies.get("vigie_session")
    token = csrf_of(client.get("/portfolio").text)
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    thief = client_for()
    thief.cookies.set("vigie_session", copied)
    assert thief.get("/api/portfolio").status_code == 401
    assert client_for("victor").get("/api/portfolio").status_code == 200  # a new login works
