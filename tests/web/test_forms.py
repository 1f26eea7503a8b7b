"""Writes from the browser: who may do each one, what it changes, and what a refusal leaves."""

from __future__ import annotations

import duckdb
import pytest
from helpers_web import csrf_of

from vigie.web.users import UserStore

ALICE_ACCOUNT = "ACC-00001"  # Alice Martin's book
OTHER_ACCOUNT = "ACC-00009"  # Chloé Moreau's book
VALID_CARD = b"""name: tiny
bands:
  - {name: good, min: 50}
  - {name: bad, min: 0}
dimensions:
  relationship:
    weight: 1
    measures:
      champion_present:
        metric: {exists: contacts, where: {is_champion: true, active: true}}
        grade: {categorical: {true: 100, false: 0}}
"""
ACCOUNTS_CSV = (
    b"account_id,name,segment,csm,customer_since\nNEW-1,New One,smb,Alice Martin,2025-01-01\n"
)
SENTIMENT = {"rating": "red", "reasons": ["competitor", "budget"], "comment": "trialling X"}
BAD_ACCOUNTS_CSV = b"account_id,name,customer_since\nNEW-2,Bad Date,2025-13-45\n"


def _rows(root, sql: str) -> list[tuple]:
    with duckdb.connect(str(root / "vigie.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def _post(client, path: str, data: dict | None = None, files: dict | None = None):
    token = csrf_of(client.get("/portfolio").text)
    return client.post(
        path, data={**(data or {}), "csrf_token": token}, files=files, follow_redirects=False
    )


def _override(account: str) -> tuple[str, dict]:
    return f"/accounts/{account}/override", {
        "target": "overall",
        "value": "42",
        "reason": "exec sponsor confirmed renewal",
        "until": "2099-01-01",
    }


def _write(client, what: str):
    if what == "override own book":
        return _post(client, *_override(ALICE_ACCOUNT))
    if what == "override other book":
        return _post(client, *_override(OTHER_ACCOUNT))
    if what.startswith("sentiment"):
        account = ALICE_ACCOUNT if what == "sentiment own book" else OTHER_ACCOUNT
        return _post(client, f"/accounts/{account}/sentiment", SENTIMENT)
    if what == "upload scorecard":
        return _post(client, "/scorecards", files={"file": ("tiny.yaml", VALID_CARD)})
    return _post(client, "/data/import", {"table": "accounts"}, {"file": ("acc.csv", ACCOUNTS_CSV)})


MATRIX = {
    # write: (admin, alice the CSM, victor the viewer) -> allowed?
    "override own book": (True, True, False),
    "override other book": (True, False, False),
    "sentiment own book": (True, True, False),
    "sentiment other book": (True, False, False),
    "upload scorecard": (True, False, False),
    "import data": (True, False, False),
}


@pytest.mark.parametrize("what", list(MATRIX))
@pytest.mark.parametrize("who", ["admin", "alice", "victor"])
def test_authorization_matrix(client_for, workspace_dir, who: str, what: str) -> None:
    allowed = MATRIX[what][["admin", "alice", "victor"].index(who)]
    response = _write(client_for(who, workspace_dir), what)
    audit = UserStore(workspace_dir).audit_log()
    writes = [a for a in audit if a["action"] != "login"]
    if allowed:
        assert response.status_code in (200, 303), response.text
        assert len(writes) == 1 and writes[0]["username"] == who
    else:
        assert response.status_code == 403
        assert writes == []


def test_override_is_stored_with_its_author_and_shown(client_for, workspace_dir) -> None:
    client = client_for("alice", workspace_dir)
    assert _post(client, *_override(ALICE_ACCOUNT)).status_code == 303
    stored = _rows(workspace_dir, "SELECT account_id, target, value, author FROM health_overrides")
    assert stored == [(ALICE_ACCOUNT, "overall", 42.0, "alice")]
    page = client.get(f"/api/accounts/{ALICE_ACCOUNT}").json()
    assert page["overrides"][0]["reason"] == "exec sponsor confirmed renewal"


def test_invalid_override_is_explained_on_the_page_and_not_stored(
    client_for, workspace_dir
) -> None:
    path, data = _override(ALICE_ACCOUNT)
    response = _post(client_for("admin", workspace_dir), path, {**data, "until": "2000-01-01"})
    assert response.status_code == 400
    assert "must be after today" in response.text
    assert _rows(workspace_dir, "SELECT count(*) FROM health_overrides") == [(0,)]


def test_invalid_scorecard_lists_every_problem_and_saves_nothing(client_for, workspace_dir) -> None:
    bad = VALID_CARD.replace(b"min: 50", b"min: fifty").replace(
        b"exists: contacts", b"exists: nope"
    )
    response = _post(
        client_for("admin", workspace_dir), "/scorecards", files={"file": ("bad.yaml", bad)}
    )
    assert response.status_code == 400
    assert "nothing was changed" in response.text
    assert response.text.count("<li>line ") >= 2
    assert not (workspace_dir / "scorecards").exists()
    assert UserStore(workspace_dir).audit_log("scorecard") == []


def test_valid_scorecard_is_saved_and_listed(client_for, workspace_dir) -> None:
    client = client_for("admin", workspace_dir)
    assert _post(client, "/scorecards", files={"file": ("t.yaml", VALID_CARD)}).status_code == 200
    assert (workspace_dir / "scorecards" / "tiny.yaml").read_bytes() == VALID_CARD
    names = [c["name"] for c in client.get("/api/scorecards").json()["scorecards"]]
    assert names == ["saas-standard", "tiny"]
    assert "replaces the bundled template" not in client.get("/scorecards").text
    shadow = VALID_CARD.replace(b"name: tiny", b"name: five-signals")
    saved = _post(client, "/scorecards", files={"file": ("f.yaml", shadow)})
    assert "in this workspace it replaces the bundled template of that name" in saved.text


def test_import_reports_problems_like_the_cli_and_writes_nothing(client_for, workspace_dir) -> None:
    before = _rows(workspace_dir, "SELECT count(*) FROM accounts")
    response = _post(
        client_for("admin", workspace_dir),
        "/data/import",
        {"table": "accounts"},
        {"file": ("accounts.csv", BAD_ACCOUNTS_CSV)},
    )
    assert response.status_code == 400
    assert "nothing was written" in response.text
    assert "accounts.csv:2 column &#39;customer_since&#39;" in response.text
    assert _rows(workspace_dir, "SELECT count(*) FROM accounts") == before


def test_import_writes_and_becomes_the_last_import(client_for, workspace_dir) -> None:
    client = client_for("admin", workspace_dir)
    response = _post(
        client, "/data/import", {"table": "accounts"}, {"file": ("acc.csv", ACCOUNTS_CSV)}
    )
    assert response.status_code == 200 and 'id="report"' in response.text
    assert _rows(workspace_dir, "SELECT name FROM accounts WHERE account_id = 'NEW-1'") == [
        ("New One",)
    ]
    tables = {t["table"]: t for t in client.get("/api/data").json()["tables"]}
    assert tables["accounts"]["last_import"]["inserted"] == 1
    assert tables["accounts"]["last_import"]["by"] == "admin"


def test_language_choice_is_kept_per_user(client_for, workspace_dir) -> None:
    client = client_for("victor", workspace_dir)
    assert _post(client, "/language", {"language": "fr", "next": "/board"}).status_code == 303
    assert UserStore(workspace_dir).get("victor").language == "fr"
    assert '<html lang="fr">' in client.get("/board").text


def test_error_pages_speak_the_user_s_language(client_for, workspace_dir) -> None:
    client = client_for("victor", workspace_dir)
    _post(client, "/language", {"language": "fr", "next": "/board"})
    missing = client.get("/nope")
    assert (
        missing.status_code == 404
        and "Il n&#39;y a pas de page à l&#39;adresse /nope." in missing.text
    )
    refused = _post(client, f"/accounts/{ALICE_ACCOUNT}/sentiment", SENTIMENT)  # a viewer
    assert refused.status_code == 403 and "Les lecteurs peuvent consulter" in refused.text
    assert client.get("/api/nope").json() == {"detail": "Not Found"}  # the API stays English
    bad = client.get("/portfolio", params={"page": "x"})
    assert bad.status_code == 400 and "Valeur de filtre invalide pour : page." in bad.text
    portfolio = client.get("/portfolio").text
    assert "<b>vert</b>" in portfolio and "<b>green</b>" not in portfolio


def test_sentiment_is_recorded_and_shown_in_history(client_for, workspace_dir) -> None:
    client = client_for("alice", workspace_dir)
    response = _post(client, f"/accounts/{ALICE_ACCOUNT}/sentiment", SENTIMENT)
    assert response.status_code == 303
    latest = client.get(f"/api/accounts/{ALICE_ACCOUNT}").json()["sentiments"][0]
    assert (latest["author"], latest["rating"], latest["reasons"], latest["comment"]) == (
        "alice",
        "red",
        ["competitor", "budget"],
        "trialling X",
    )
    assert "trialling X" in client.get(f"/accounts/{ALICE_ACCOUNT}").text


def test_unknown_sentiment_reason_is_refused_on_the_page(client_for, workspace_dir) -> None:
    before = _rows(workspace_dir, "SELECT count(*) FROM sentiments")
    response = _post(
        client_for("alice", workspace_dir),
        f"/accounts/{ALICE_ACCOUNT}/sentiment",
        {**SENTIMENT, "reasons": ["astrology"]},
    )
    assert response.status_code == 400 and "astrology" in response.text
    too_long = _post(  # 2,000 characters at most, like an action's notes
        client_for("alice", workspace_dir),
        f"/accounts/{ALICE_ACCOUNT}/sentiment",
        {**SENTIMENT, "comment": "x" * 2001},
    )
    assert too_long.status_code == 400 and "comment" in too_long.text
    assert _rows(workspace_dir, "SELECT count(*) FROM sentiments") == before


def test_an_action_without_a_real_reason_is_refused_on_the_page(client_for, workspace_dir) -> None:
    before = _rows(workspace_dir, "SELECT count(*) FROM actions")
    response = _post(
        client_for("alice", workspace_dir), f"/accounts/{ALICE_ACCOUNT}/actions", {"reason": "   "}
    )
    assert response.status_code == 400 and "An action needs a reason" in response.text
    assert _rows(workspace_dir, "SELECT count(*) FROM actions") == before
