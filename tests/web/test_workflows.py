"""A CSM's day: my book (the worklist), logging and closing actions, the actions, alerts, trends
and scorecards pages, each checked against the library function the CLI uses."""

from __future__ import annotations

import datetime as dt

import duckdb
import ibis
import pandas as pd
import pytest
from helpers_web import ALICE_BOOK, csrf_of

from vigie.alerts.deliver import DELIVERIES, DELIVERY_SCHEMA
from vigie.playbooks.actions import list_actions, open_actions
from vigie.playbooks.effectiveness import effectiveness
from vigie.playbooks.forecast import forecast
from vigie.playbooks.rules import load_playbooks
from vigie.playbooks.worklist import account_facts, worklist
from vigie.signals.compute import KINDS, compute_signals
from vigie.web.users import UserStore
from vigie.workspace import Workspace

ALICE_ACCOUNT = "ACC-00001"  # Alice Martin's book
OTHER_ACCOUNT = "ACC-00009"  # Chloé Moreau's book


def _post(client, path: str, data: dict):
    token = csrf_of(client.get("/portfolio").text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _actions(root) -> list[tuple]:
    with duckdb.connect(str(root / "vigie.duckdb"), read_only=True) as con:
        return con.sql(
            "SELECT account_id, playbook, reason, owner, status, outcome, notes FROM actions "
            "ORDER BY created_at"
        ).fetchall()


def _expected_worklist(root, as_of: dt.date, csm: str | None) -> pd.DataFrame:
    with Workspace.open(root) as ws:
        facts = account_facts(ws, as_of)
        return worklist(facts, load_playbooks(), list_actions(ws), as_of, csm)


def test_a_csm_sees_their_own_book_ranked_like_vigie_worklist(client_for, scored_workspace) -> None:
    data = client_for("alice").get("/api/book").json()
    assert data["csm"] == ALICE_BOOK
    expected = _expected_worklist(
        scored_workspace, dt.date.fromisoformat(data["as_of"]), ALICE_BOOK
    )
    assert [r["account_id"] for r in data["rows"]] == list(expected["account_id"]) != []
    assert [r["playbook"] for r in data["rows"]] == list(expected["playbook"])
    assert data["total"] == len(expected)
    assert data["arr_at_risk"] == pytest.approx(expected["arr_at_risk"].sum())
    first = data["rows"][0]
    assert first["action"] and first["due_days"] >= 0
    # the due date shown is the one "Log action" sets: counted from today, not the score date
    today = dt.datetime.now(dt.UTC).date()
    assert first["due"] == str(today + dt.timedelta(days=first["due_days"]))
    playbook = next(b for b in load_playbooks() if b.name == first["playbook"])
    assert first["due_days"] == playbook.action.due_days


def test_an_admin_sees_every_book_and_can_pick_one(client_for, scored_workspace) -> None:
    client = client_for("admin")
    everyone = client.get("/api/book").json()
    expected = _expected_worklist(scored_workspace, dt.date.fromisoformat(everyone["as_of"]), None)
    assert everyone["csm"] is None and everyone["total"] == len(expected)
    assert len({r["csm"] for r in everyone["rows"]}) > 1
    chloe = client.get("/api/book", params={"csm": "Chloé Moreau"}).json()
    assert chloe["total"] > 0 and {r["csm"] for r in chloe["rows"]} == {"Chloé Moreau"}
    assert client_for("alice").get("/api/book", params={"csm": ""}).json()["csm"] is None


def test_book_page_offers_to_log_actions_only_where_the_user_may(client_for) -> None:
    assert 'class="inline log-action"' in client_for("alice").get("/book").text
    assert "log-action" not in client_for("victor").get("/book").text
    other = client_for("alice").get("/book", params={"csm": "Chloé Moreau"}).text
    assert 'id="book"' in other and "log-action" not in other


def test_logging_the_recommended_action_opens_it_once(client_for, workspace_dir) -> None:
    client = client_for("alice", workspace_dir)
    rec = client.get(f"/api/accounts/{ALICE_ACCOUNT}").json()["recommended_action"]
    form = {k: rec[k] for k in ("playbook", "owner", "due_days")} | {"reason": rec["action"]}
    assert _post(client, f"/accounts/{ALICE_ACCOUNT}/actions", form).status_code == 303
    assert _actions(workspace_dir) == [
        (ALICE_ACCOUNT, rec["playbook"], rec["action"], rec["owner"], "open", None, None)
    ]
    with Workspace.open(workspace_dir) as ws:  # due as the page shows it, not from the score date
        assert str(list_actions(ws)["due_at"].iloc[0].date()) == rec["due"]
    again = _post(client, f"/accounts/{ALICE_ACCOUNT}/actions", form)
    assert again.status_code == 400 and "already has an open" in again.text
    assert len(_actions(workspace_dir)) == 1
    after = client.get(f"/api/accounts/{ALICE_ACCOUNT}").json()
    assert after["actions"][0]["playbook"] == rec["playbook"]
    # still the next action, now open: the page shows it and offers no second one
    opened = after["actions"][0]["action_id"]
    assert after["recommended_action"]["open_action"] == opened
    page = client.get(f"/accounts/{ALICE_ACCOUNT}").text
    assert 'id="recommended-open"' in page and 'id="log-recommended"' not in page
    book = client.get("/api/book").json()["rows"]
    assert [r["open_action"] for r in book if r["account_id"] == ALICE_ACCOUNT] == [opened]
    listed = client.get("/api/actions", params={"status": "open"}).json()
    assert [(r["account_id"], r["name"] is not None) for r in listed["rows"]] == [
        (ALICE_ACCOUNT, True)
    ]


def test_a_free_action_is_owned_by_the_accounts_csm_and_closed_with_its_outcome(
    client_for, workspace_dir
) -> None:
    client = client_for("alice", workspace_dir)
    form = {"reason": "Call the new VP", "due_days": "3"}
    assert _post(client, f"/accounts/{ALICE_ACCOUNT}/actions", form).status_code == 303
    action = client.get("/api/actions").json()["rows"][0]
    assert (action["playbook"], action["owner"], action["status"]) == ("manual", ALICE_BOOK, "open")
    assert (
        action["due_at"][:10]
        == (dt.date.fromisoformat(action["created_at"][:10]) + dt.timedelta(days=3)).isoformat()
    )
    done = {"status": "done", "outcome": "renewal confirmed", "notes": "VP on board"}
    assert _post(client, f"/actions/{action['action_id']}/close", done).status_code == 303
    assert _actions(workspace_dir)[0][4:] == ("done", "renewal confirmed", "VP on board")
    twice = _post(client, f"/actions/{action['action_id']}/close", done)
    assert twice.status_code == 400 and "already done" in twice.text
    audit = [(a["action"], a["username"]) for a in UserStore(workspace_dir).audit_log()]
    assert audit[:2] == [("action_close", "alice"), ("action", "alice")]
    page = client.get("/actions", params={"status": "done"}).text
    assert "renewal confirmed" in page and "VP on board" in page


def _open_action(root, account: str) -> str:
    with Workspace.open(root) as ws:
        row = {"account_id": account, "playbook": "manual", "reason": "x", "owner": "o"}
        return open_actions(ws, pd.DataFrame([{**row, "due_days": 7}]))["action_id"].iloc[0]


WRITES = {
    # write: (admin, alice the CSM, victor the viewer) -> allowed?
    "log action own book": (True, True, False),
    "log action other book": (True, False, False),
    "close action own book": (True, True, False),
    "close action other book": (True, False, False),
}


@pytest.mark.parametrize("what", list(WRITES))
@pytest.mark.parametrize("who", ["admin", "alice", "victor"])
def test_action_authorization_matrix(client_for, workspace_dir, who: str, what: str) -> None:
    allowed = WRITES[what][["admin", "alice", "victor"].index(who)]
    account = ALICE_ACCOUNT if what.endswith("own book") else OTHER_ACCOUNT
    client = client_for(who, workspace_dir)
    if what.startswith("log"):
        response = _post(client, f"/accounts/{account}/actions", {"reason": "call them"})
        changed = lambda: len(_actions(workspace_dir)) == 1  # noqa: E731
    else:
        action_id = _open_action(workspace_dir, account)
        response = _post(client, f"/actions/{action_id}/close", {"status": "dismissed"})
        changed = lambda: _actions(workspace_dir)[0][4] == "dismissed"  # noqa: E731
    writes = [a for a in UserStore(workspace_dir).audit_log() if a["action"] != "login"]
    if allowed:
        assert response.status_code == 303, response.text
        assert changed() and [w["username"] for w in writes] == [who]
    else:
        assert response.status_code == 403
        assert not changed() and writes == []


def test_actions_page_counts_statuses_and_measures_effectiveness(client_for, workspace_dir) -> None:
    for account in (ALICE_ACCOUNT, OTHER_ACCOUNT):
        _open_action(workspace_dir, account)
    client = client_for("admin", workspace_dir)
    data = client.get("/api/actions", params={"csm": ALICE_BOOK}).json()
    assert data["counts"] == {"open": 1, "done": 0, "dismissed": 0}
    assert [r["account_id"] for r in data["rows"]] == [ALICE_ACCOUNT]
    with Workspace.open(workspace_dir) as ws:
        expected = effectiveness(ws, dt.date.fromisoformat(data["as_of"]))
    assert [(e["playbook"], e["started_red"], e["recovered"]) for e in data["effectiveness"]] == [
        (r.playbook, r.started_red, r.recovered) for r in expected.playbooks.itertuples()
    ]
    assert {m["month"]: m["accounts"] for m in data["turned_red"]} == dict(
        zip(expected.turned_red["month"], expected.turned_red["accounts"], strict=True)
    )
    assert client.get("/actions?status=&playbook=").status_code == 200
    assert client.get("/actions?status=closed").status_code == 400


def test_alerts_log_lists_deliveries_newest_first_and_filters(client_for, workspace_dir) -> None:
    client = client_for("victor", workspace_dir)
    assert client.get("/api/alerts").json()["total"] == 0
    rows = pd.DataFrame(
        {
            "alert_key": ["k1", "k2"],
            "rule": ["turned_red", "usage"],  # rule names, as alerts.yaml gives them
            "account_id": [ALICE_ACCOUNT, OTHER_ACCOUNT],
            "name": ["A", "B"],
            "csm": [ALICE_BOOK, "Chloé Moreau"],
            "channel": ["email", "webhook"],
            "recipient": ["alice@example.com", "https://hooks.example.com/x"],
            "text": ["turned red", "usage drop"],
            "status": ["sent", "failed"],
            "attempts": [1, 3],
            "last_error": [None, "HTTP 500"],
            "first_attempt_at": pd.to_datetime(["2026-05-01 08:00", "2026-05-02 08:00"]),
            "last_attempt_at": pd.to_datetime(["2026-05-01 08:00", "2026-05-02 09:00"]),
            "sent_at": pd.to_datetime(["2026-05-01 08:00", None]),
        }
    )
    with duckdb.connect(str(workspace_dir / "vigie.duckdb")) as con:
        con.register("new_rows", rows)
        con.execute(f"CREATE TABLE {DELIVERIES} AS SELECT * FROM new_rows")
    data = client.get("/api/alerts").json()
    assert [d["alert_key"] for d in data["rows"]] == ["k2", "k1"]
    assert (data["sent"], data["failed"]) == (1, 1)
    assert data["rules"] == ["turned_red", "usage"]
    assert client.get("/api/alerts", params={"rule": "usage"}).json()["total"] == 1
    failed = client.get("/api/alerts", params={"status": "failed"}).json()["rows"]
    assert [(d["alert_key"], d["last_error"]) for d in failed] == [("k2", "HTTP 500")]
    assert "HTTP 500" in client.get("/alerts?status=failed&channel=").text
    assert set(DELIVERY_SCHEMA.names) <= set(data["rows"][0])


def test_portfolio_filters_by_signal_kind_and_risk_type(client_for, workspace_dir) -> None:
    client = client_for("victor", workspace_dir)
    before = client.get("/api/portfolio").json()
    assert before["signal_kinds"] == sorted(KINDS)
    assert {"churn_intent", "tone_falling"} <= set(before["signal_kinds"])
    as_of = dt.date.fromisoformat(before["as_of"])
    with Workspace.open(workspace_dir) as ws:
        fired = compute_signals(ws, [as_of])
    kind = fired["kind"].value_counts().index[0]
    expected = set(fired.loc[fired["kind"] == kind, "account_id"])
    got = client.get("/api/portfolio", params={"signal_kind": kind, "per_page": 500}).json()
    assert {r["account_id"] for r in got["rows"]} == expected
    assert all(kind in r["signal_kinds"] for r in got["rows"])
    typed = [r for r in got["rows"] if r["risk_type"]]
    risk = typed[0]["risk_type"]
    by_risk = client.get("/api/portfolio", params={"risk_type": risk, "per_page": 500}).json()
    assert by_risk["total"] > 0 and {r["risk_type"] for r in by_risk["rows"]} == {risk}
    html = client.get("/portfolio", params={"signal_kind": kind}).text
    assert f'<option value="{kind}" selected>' in html


def test_trends_show_arr_at_risk_and_the_renewal_forecast(client_for, scored_workspace) -> None:
    data = client_for("victor").get("/api/trends").json()
    latest = data["totals"][-1]
    with duckdb.connect(str(scored_workspace / "vigie.duckdb"), read_only=True) as con:
        scored = con.sql(
            "SELECT count(*) FROM health_snapshots WHERE as_of = "
            "(SELECT max(as_of) FROM health_snapshots)"
        ).fetchone()[0]
    assert latest["accounts"] == scored and 0 < latest["arr_at_risk"] < latest["arr"]
    with Workspace.open(scored_workspace) as ws:
        expected = forecast(ws, dt.date.fromisoformat(latest["as_of"]))
    assert data["forecast"]["expected_arr_lost"] == pytest.approx(expected.expected_arr_lost)
    assert [m["period"] for m in data["forecast"]["by_month"]] == list(expected.by_month["period"])
    html = client_for("victor").get("/trends").text
    assert 'id="renewals"' in html and 'id="at-risk"' in html


def test_arr_at_risk_is_the_portfolio_s_on_the_account_page_and_trends(client_for) -> None:
    """Trends' history reads the risk from scores; the figure of today it quotes, and each
    account page's, are the portfolio's (churn model's probabilities where predicted)."""
    client = client_for("victor")
    rows = client.get("/api/portfolio", params={"per_page": 500}).json()["rows"]
    trends = client.get("/api/trends").json()
    assert trends["arr_at_risk_now"] == pytest.approx(sum(r["arr_at_risk"] for r in rows))
    for row in rows[:3]:
        account = client.get(f"/api/accounts/{row['account_id']}").json()
        assert account["arr_at_risk"] == pytest.approx(row["arr_at_risk"])
        assert account["churn_risk"] == row["churn_risk"]


def test_scorecards_page_serves_the_backtest_report_sandboxed(client_for, workspace_dir) -> None:
    client = client_for("victor", workspace_dir)
    assert client.get("/api/scorecards").json()["backtest_report"] is None
    assert client.get("/scorecards/backtest-report").status_code == 400
    (workspace_dir / "backtest-report.html").write_text("<h1>AUC 0.81</h1>", encoding="utf-8")
    assert client.get("/api/scorecards").json()["backtest_report"] is not None
    assert 'href="/scorecards/backtest-report"' in client.get("/scorecards").text
    report = client.get("/scorecards/backtest-report")
    assert report.status_code == 200 and "AUC 0.81" in report.text
    policy = report.headers["content-security-policy"]
    assert policy == "sandbox allow-scripts; frame-ancestors 'none'"


def test_account_page_shows_recent_exchanges_with_their_tone(client_for, scored_workspace) -> None:
    with duckdb.connect(str(scored_workspace / "vigie.duckdb"), read_only=True) as con:
        account, texts = con.sql(
            "SELECT account_id, count(*) FROM texts WHERE tone IS NOT NULL "
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
        ).fetchone()
    client = client_for("victor")
    exchanges = client.get(f"/api/accounts/{account}").json()["exchanges"]
    assert len(exchanges) == min(texts, 10)
    written = [x["written_at"] for x in exchanges]
    assert written == sorted(written, reverse=True)
    for x in exchanges:
        if x["tone"] is not None:
            band = (
                "negative" if x["tone"] <= -0.05 else "positive" if x["tone"] >= 0.05 else "neutral"
            )
            assert x["tone_band"] == band
    assert 'id="exchange-list"' in client.get(f"/accounts/{account}").text


def test_signals_computed_after_the_latest_score_reach_the_pages(client_for, workspace_dir) -> None:
    client = client_for("victor", workspace_dir)
    as_of = dt.date.fromisoformat(client.get("/api/portfolio").json()["as_of"])
    later = as_of + dt.timedelta(days=7)
    with Workspace.open(workspace_dir) as ws:
        fired = compute_signals(ws, [later])
    rows = client.get("/api/portfolio", params={"per_page": 500}).json()["rows"]
    got = {r["account_id"]: set(r["signal_kinds"]) for r in rows if r["signal_kinds"]}
    want = fired.groupby("account_id")["kind"].agg(set).to_dict()
    assert got == {a: k for a, k in want.items() if a in {r["account_id"] for r in rows}}
    assert any(r["risk_type"] for r in rows)
    assert client.get("/api/book", params={"csm": ""}).json()["as_of"] == str(later)


def test_predictions_made_after_the_latest_score_are_read(client_for, workspace_dir) -> None:
    """`vigie predict` dates its predictions today, after the latest score: the pages read them,
    as `vigie worklist` does (the web ignored them and ranked by the score)."""
    from vigie.predict.predict import SCHEMA
    from vigie.predict.store import PREDICTIONS

    with Workspace.open(workspace_dir) as ws:
        scored = ws.con.table("health_snapshots").as_of.max().to_pyarrow().as_py()
        row = {"account_id": ALICE_ACCOUNT, "as_of": scored + dt.timedelta(days=2),
               "model": "m", "probability": 0.37, "risk_band": "high"}  # fmt: skip
        frame = pd.DataFrame([row]).reindex(columns=SCHEMA.names)
        ws.con.create_table(PREDICTIONS, ibis.memtable(frame, schema=SCHEMA))
    client = client_for("victor", workspace_dir)
    rows = client.get("/api/portfolio", params={"per_page": 500}).json()["rows"]
    assert [r["churn_risk"] for r in rows if r["account_id"] == ALICE_ACCOUNT] == [0.37]
    assert client.get(f"/api/accounts/{ALICE_ACCOUNT}").json()["churn_risk"] == 0.37
    assert client.get("/api/trends").json()["forecast"]["as_of"] == str(row["as_of"])
