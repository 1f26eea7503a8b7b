"""Every page and its JSON twin, built by the same function, on a small scored workspace."""

from __future__ import annotations

import datetime as dt
import io
import re

import duckdb
import openpyxl
import pandas as pd
import pytest
from helpers_web import ALICE_BOOK, PASSWORDS

from vigie.engine.scoring import score
from vigie.engine.state import currencies
from vigie.schema import SCHEMA_VERSION
from vigie.scorecard.spec import load_scorecard
from vigie.web.users import UserStore
from vigie.workspace import Workspace


def _latest(root) -> pd.DataFrame:
    """The latest saas-standard scores with each account's CSM, straight from DuckDB."""
    with duckdb.connect(str(root / "vigie.duckdb"), read_only=True) as con:
        return con.sql(
            "SELECT s.account_id, s.score_scaled, s.band, a.csm FROM health_snapshots s "
            "JOIN accounts a USING (account_id) "
            "WHERE s.as_of = (SELECT max(as_of) FROM health_snapshots)"
        ).df()


@pytest.mark.parametrize(
    "page",
    [
        "/portfolio",
        "/board",
        "/book",
        "/accounts/ACC-00001",
        "/actions",
        "/review",
        "/alerts",
        "/trends",
        "/scorecards",
        "/data",
    ],
)
def test_every_page_renders_and_has_a_json_twin(client_for, page: str) -> None:
    client = client_for("victor")
    html = client.get(page)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    api = client.get("/api" + page)
    assert api.status_code == 200
    assert api.headers["content-type"] == "application/json"


def test_portfolio_json_lists_every_scored_account_sorted_by_arr_at_risk(
    client_for, scored_workspace
) -> None:
    data = client_for("victor").get("/api/portfolio", params={"per_page": 500}).json()
    latest = _latest(scored_workspace)
    assert data["total"] == len(latest)
    assert {r["account_id"] for r in data["rows"]} == set(latest["account_id"])
    at_risk = [r["arr_at_risk"] for r in data["rows"] if r["arr_at_risk"] is not None]
    assert at_risk == sorted(at_risk, reverse=True)
    row = data["rows"][0]
    # the worklist's ARR at risk: the same figure for an account on every page
    book = client_for("admin").get("/api/book", params={"limit": 500}).json()["rows"]
    on_portfolio = {r["account_id"]: r["arr_at_risk"] for r in data["rows"]}
    assert len(book) > 3
    for listed in book:
        assert on_portfolio[listed["account_id"]] == pytest.approx(listed["arr_at_risk"])
    assert set(row["dimensions"]) == set(data["dimensions"])
    assert [b["name"] for b in data["bands"]] == ["green", "yellow", "red"]


def test_portfolio_filters_sort_and_pages_in_the_engine(client_for, scored_workspace) -> None:
    client = client_for("victor")
    latest = _latest(scored_workspace)
    red_alice = latest[(latest["band"] == "red") & (latest["csm"] == ALICE_BOOK)]
    data = client.get(
        "/api/portfolio", params={"band": "red", "csm": ALICE_BOOK, "sort": "score"}
    ).json()
    assert data["total"] == len(red_alice) > 0
    scores = [r["score"] for r in data["rows"]]
    assert scores == sorted(scores)
    assert {r["band"] for r in data["rows"]} == {"red"}
    page2 = client.get("/api/portfolio", params={"per_page": 7, "page": 2, "sort": "name"}).json()
    everything = client.get("/api/portfolio", params={"per_page": 500, "sort": "name"}).json()
    assert [r["account_id"] for r in page2["rows"]] == [
        r["account_id"] for r in everything["rows"][7:14]
    ]
    assert page2["pages"] == -(-len(latest) // 7)


def test_a_page_past_the_end_of_a_list_shows_its_last_page(client_for) -> None:
    """A link kept from a longer list: the last page, not an empty 'Page 50 / 1'."""
    client = client_for("victor")
    for path in ("/api/portfolio", "/api/actions", "/api/alerts"):
        data = client.get(path, params={"page": 50}).json()
        assert data["filters"]["page"] == data["pages"], path


def test_portfolio_page_keeps_empty_form_fields_as_no_filter(client_for) -> None:
    client = client_for("victor")
    html = client.get("/portfolio?band=green&score_min=&csm=&renewal_within=").text
    total = client.get("/api/portfolio", params={"band": "green"}).json()["total"]
    assert f'<span id="total">{total}</span>' in html


def test_bad_filter_value_is_a_readable_400(client_for) -> None:
    response = client_for("victor").get("/portfolio?score_min=abc")
    assert response.status_code == 400
    assert "score_min" in response.text


def test_exports_hold_the_filtered_view(client_for) -> None:
    client = client_for("victor")
    total = client.get("/api/portfolio", params={"band": "yellow"}).json()["total"]
    download = client.get("/portfolio.csv?band=yellow").content
    assert download.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    csv = pd.read_csv(io.BytesIO(download), encoding="utf-8-sig")
    assert len(csv) == total and set(csv["band"]) == {"yellow"}
    assert {"arr_at_risk", "band_usage", "band_relationship"} <= set(csv.columns)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/portfolio.xlsx?band=yellow").content))
    assert book["portfolio"].max_row == total + 1


def test_board_columns_follow_the_bands(client_for) -> None:
    data = client_for("victor").get("/api/board").json()
    portfolio = client_for("victor").get("/api/portfolio").json()
    assert [c["band"]["name"] for c in data["columns"]] == ["green", "yellow", "red"]
    assert {c["band"]["name"]: c["total"] for c in data["columns"]} == {
        t["name"]: t["accounts"] for t in portfolio["totals"]
    }


def test_the_board_form_keeps_every_filter_it_applies(client_for) -> None:
    """A CSM filter in the address must show in the form, or Apply drops it."""
    html = client_for("victor").get("/board", params={"csm": ALICE_BOOK, "order": "asc"}).text
    assert f"<option selected>{ALICE_BOOK}</option>" in html
    for field in ('name="segment"', 'name="risk_type"', 'name="signal_kind"'):
        assert field in html, field
    assert '<input type="hidden" name="order" value="asc">' in html


def test_account_page_decomposes_the_score(client_for) -> None:
    client = client_for("victor")
    data = client.get("/api/accounts/ACC-00001").json()
    assert data["account"]["account_id"] == "ACC-00001"
    assert data["history"][-1]["as_of"] == data["as_of"]
    contributions = [m["contribution"] or 0 for m in data["measures"]]
    assert sum(contributions) == pytest.approx(data["score"], abs=0.01)
    change = data["changes"]
    moved = sum(c["delta"] for c in change["measures"])
    assert moved == pytest.approx(change["score_after"] - change["score_before"], abs=0.01)
    html = client.get("/accounts/ACC-00001").text
    assert '<script src="/static/plotly.min.js">' in html and 'id="chart"' in html


def test_an_account_page_draws_the_bands_of_its_segment(client_for, scored_workspace) -> None:
    """saas-standard's enterprise accounts are green from 75, not 70: a 74.9 is yellow and
    must not sit in a green area of its chart."""
    with Workspace.open(scored_workspace) as ws:
        accounts = ws.table("accounts")
        enterprise = accounts.filter(accounts.segment == "enterprise").account_id.min().execute()
        smb = accounts.filter(accounts.segment == "smb").account_id.min().execute()
    client = client_for("victor")
    for account, bounds in ((enterprise, [75, 55, None]), (smb, [70, 50, None])):
        data = client.get(f"/api/accounts/{account}").json()
        assert [b["bound"] for b in data["bands"]] == bounds, account


def test_unknown_account_is_a_404_with_the_reason(client_for) -> None:
    response = client_for("victor").get("/api/accounts/NOPE")
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "No account 'NOPE'" in detail and "workspace" not in detail  # no server path


def test_wrong_addresses_and_values_get_a_page_not_json(client_for) -> None:
    client = client_for("victor")
    for path, status, words in [
        ("/nope", 404, "There is no page at /nope"),
        ("/accounts/NOPE", 404, "No account &#39;NOPE&#39;"),
        ("/data/import", 405, "This address receives a form"),
        ("/accounts/ACC-00001/actions", 405, "This address receives a form"),
        ("/accounts/ACC-00001/sentiment", 405, "This address receives a form"),
        ("/accounts/ACC-00001?before=bad", 400, "before"),
        ("/book?limit=0", 400, "limit"),
    ]:
        response = client.get(path)
        assert response.status_code == status, path
        assert status != 405 or "POST" in response.headers["allow"], path
        assert response.headers["content-type"].startswith("text/html"), path
        assert words in response.text and 'href="/portfolio"' in response.text, path
        assert "victor" in response.text, path  # the navigation of the logged-in user
    assert client.get("/api/nope").json() == {"detail": "Not Found"}
    assert client.get("/api/book?limit=0").status_code == 422  # API clients keep FastAPI's errors


def test_plotly_is_served_from_the_python_package(client_for) -> None:
    response = client_for().get("/static/plotly.min.js")
    assert response.status_code == 200
    assert b"plotly" in response.content[:2000].lower()
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert response.headers["content-encoding"] == "gzip"  # the client asked for it


def test_the_api_docs_need_no_network(client_for) -> None:
    """A self-hosted install may have no internet: Swagger UI comes from the server."""
    client = client_for()
    page = client.get("/docs").text
    scripts = re.findall(r'src="([^"]+\.js)"', page)
    assert scripts and all(src.startswith("/") for src in scripts), scripts
    assert "cdn." not in page
    assert all(client.get(src).status_code == 200 for src in scripts)


def test_openapi_documents_every_json_twin(client_for) -> None:
    paths = client_for().get("/openapi.json").json()["paths"]
    assert {
        "/api/portfolio",
        "/api/board",
        "/api/accounts/{account_id}",
        "/api/book",
        "/api/actions",
        "/api/alerts",
        "/api/trends",
        "/api/scorecards",
        "/api/data",
    } <= set(paths)


def test_four_week_change_compares_with_the_score_28_days_earlier(
    client_for, scored_workspace
) -> None:
    data = client_for("victor").get("/api/portfolio", params={"per_page": 500}).json()
    with duckdb.connect(str(scored_workspace / "vigie.duckdb"), read_only=True) as con:
        expected = dict(
            con.sql(
                "SELECT n.account_id, n.score_scaled - b.score_scaled FROM health_snapshots n "
                "JOIN health_snapshots b ON b.account_id = n.account_id "
                "AND b.as_of = n.as_of - INTERVAL 28 DAY "
                "WHERE n.as_of = (SELECT max(as_of) FROM health_snapshots)"
            ).fetchall()
        )
    changes = {r["account_id"]: r["change_4w"] for r in data["rows"]}
    assert expected and {k: changes[k] for k in expected} == pytest.approx(expected)
    assert all(changes[k] is None for k in set(changes) - set(expected))


def test_trends_count_accounts_per_band_and_band_moves(client_for, scored_workspace) -> None:
    data = client_for("victor").get("/api/trends").json()
    with duckdb.connect(str(scored_workspace / "vigie.duckdb"), read_only=True) as con:
        per_date = con.sql(
            "SELECT as_of::VARCHAR, band, count(*) FROM health_snapshots "
            "WHERE band IS NOT NULL GROUP BY ALL"
        ).fetchall()
        turned = con.sql(
            "SELECT strftime(as_of, '%Y-%m'), count(*) FROM (SELECT as_of, band, "
            "lag(band) OVER (PARTITION BY account_id ORDER BY as_of) AS before "
            "FROM health_snapshots) WHERE band = 'red' AND before <> 'red' GROUP BY ALL"
        ).fetchall()
    got = {(p["as_of"], p["band"]): p["accounts"] for p in data["per_date"]}
    assert got == {(d, b): n for d, b, n in per_date}
    assert {m["month"]: m["turned_worst"] for m in data["per_month"] if m["turned_worst"]} == dict(
        turned
    )


def test_churn_risk_appears_once_predictions_are_stored(client_for, workspace_dir) -> None:
    client = client_for("victor", workspace_dir)
    before = client.get("/api/portfolio").json()
    assert not before["has_churn_risk"]
    assert "Churn risk" not in client.get("/portfolio").text
    as_of = before["as_of"]
    with duckdb.connect(str(workspace_dir / "vigie.duckdb")) as con:
        con.execute(
            "CREATE TABLE churn_predictions AS SELECT * FROM (VALUES "
            "('ACC-00002', DATE '2026-01-01', 'm', 0.10, 'low'),"
            f"('ACC-00002', DATE '{as_of}', 'm', 0.80, 'high'),"
            f"('ACC-00003', DATE '{as_of}', 'm', 0.40, 'medium'),"
            f"('ACC-00004', DATE '{as_of}' + 7, 'm', 0.99, 'high')"
            ") t(account_id, as_of, model, probability, risk_band)"
        )
    data = client.get("/api/portfolio", params={"sort": "churn_risk", "per_page": 500}).json()
    assert data["has_churn_risk"]
    top = [(r["account_id"], r["churn_risk"], r["risk_band"]) for r in data["rows"][:4]]
    # each account's latest prediction, also one made after the score date (`vigie predict`
    # dates them today): the newest news of the account, as for signals
    assert top[:3] == [
        ("ACC-00004", 0.99, "high"),
        ("ACC-00002", 0.8, "high"),
        ("ACC-00003", 0.4, "medium"),
    ]
    assert top[3][1] is None
    assert "Churn risk" in client.get("/portfolio").text


def test_a_former_customer_is_marked_on_its_page(client_for, scored_workspace) -> None:
    """An account whose latest score is older than the book's latest run churned since."""
    with Workspace.open(scored_workspace) as ws:
        snaps = ws.con.table("health_snapshots").to_pandas()
    last = snaps.groupby("account_id").as_of.max()
    former = last[last < last.max()].index
    current = last[last == last.max()].index[0]
    assert len(former) > 0  # the simulated book churns some accounts within its six months
    client = client_for("victor")
    assert "Not in the book scored on" in client.get(f"/accounts/{former[0]}").text
    assert "Not in the book scored on" not in client.get(f"/accounts/{current}").text


def test_an_account_id_with_a_slash_has_its_page(client_for, workspace_dir) -> None:
    """CRM ids such as `EU/0042` are accepted at import: their page must open too."""
    with duckdb.connect(str(workspace_dir / "vigie.duckdb")) as con:
        for table in ("accounts", "subscriptions", "health_snapshots", "health_dimensions",
                      "health_measures"):  # fmt: skip
            con.execute(f"UPDATE {table} SET account_id = 'EU/0042' WHERE account_id = 'ACC-00001'")
    client = client_for("admin", workspace_dir)
    data = client.get("/api/accounts/EU/0042").json()
    assert data["account"]["account_id"] == "EU/0042"
    page = client.get("/accounts/EU%2F0042")
    assert page.status_code == 200 and 'id="chart"' in page.text


def test_pages_of_a_workspace_not_scored_yet_explain_what_to_run(client_for, tmp_path) -> None:
    with Workspace.init(tmp_path / "ws") as ws:
        ws.con.raw_sql("INSERT INTO accounts (account_id, name) VALUES ('A1', 'One')")
    UserStore(tmp_path / "ws").add("admin", PASSWORDS["admin"], "admin")
    client = client_for("admin", tmp_path / "ws")
    for path in ("/accounts/A1", "/api/accounts/A1", "/portfolio"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "No scores yet" in response.text and "vigie score" in response.text, path
    asked = client_for("admin").get("/portfolio", params={"scorecard": "nope"})
    assert asked.status_code == 400 and "stored: saas-standard" in asked.text


def test_the_account_page_shows_the_signals_the_book_reads(client_for, workspace_dir) -> None:
    """Signals computed after the last scoring (`vigie signals` as of today) are those the
    book and portfolio cite: the account page shows them too, with their date."""
    with duckdb.connect(str(workspace_dir / "vigie.duckdb")) as con:
        [(scored,)] = con.execute("SELECT max(as_of) FROM health_snapshots").fetchall()
        con.execute(
            "CREATE OR REPLACE TABLE signals AS SELECT 'ACC-00001' AS account_id, "
            "?::DATE + 2 AS as_of, 'no_touch' AS kind, 'high' AS severity, 70.0 AS value, "
            "NULL::DOUBLE AS baseline, 'no meeting in 70 days' AS evidence",
            [scored],
        )
    data = client_for("admin", workspace_dir).get("/api/accounts/ACC-00001").json()
    assert data["signals_date"] == str(scored + dt.timedelta(days=2))
    assert [s["kind"] for s in data["signals"]] == ["no_touch"]


def test_filters_that_can_match_nothing_are_refused(client_for) -> None:
    client = client_for("victor")
    purple = client.get("/api/portfolio", params={"band": "purple"})
    assert purple.status_code == 400
    assert "Unknown band 'purple': the bands of saas-standard are green, yellow, red" in purple.text
    crossed = client.get("/portfolio", params={"score_min": 80, "score_max": 20})
    assert crossed.status_code == 400 and "score_min 80 is above score_max 20" in crossed.text
    last = client.get("/api/portfolio", params={"page": 999, "per_page": 10}).json()
    assert last["filters"]["page"] == last["pages"] and last["rows"]


def test_a_rolled_up_parent_page_lists_its_children(client_for, workspace_dir) -> None:
    """A parent's score is its children's roll-up: it has no measures, so the page lists them."""
    with Workspace.open(workspace_dir) as ws:
        ws.con.raw_sql(
            "UPDATE accounts SET parent_account_id = 'ACC-00001' "
            "WHERE account_id IN ('ACC-00002', 'ACC-00003')"
        )
        last = ws.con.table("health_snapshots").as_of.max().to_pyarrow().as_py()
        score(ws, load_scorecard("saas-standard"), [last])
    client = client_for("admin", workspace_dir)
    data = client.get("/api/accounts/ACC-00001").json()
    assert data["measures"] == []
    listed = {c["account_id"] for c in data["changes"]["children"]}
    assert listed == {"ACC-00002", "ACC-00003"}
    assert 'id="children"' in client.get("/accounts/ACC-00001").text


def test_pages_with_arr_totals_say_when_they_add_several_currencies(
    client_for, workspace_dir
) -> None:
    client = client_for("victor", workspace_dir)
    assert 'id="currency-notice"' not in client.get("/portfolio").text  # one currency
    with Workspace.open(workspace_dir) as ws:
        ws.con.raw_sql("UPDATE accounts SET currency = 'EUR' WHERE account_id IN "
                       "(SELECT account_id FROM accounts ORDER BY account_id LIMIT 3)")  # fmt: skip
        counts = currencies(ws)
    assert counts["EUR"] == 3 and sum(counts.values()) == 40
    for path in ("/portfolio", "/board", "/book", "/trends"):
        html = client.get(path).text
        assert 'id="currency-notice"' in html, path
        assert f"EUR 3, USD {counts['USD']}." in html, path
    assert 'id="currency-notice"' not in client.get("/actions").text  # no ARR total there


def test_a_database_server_that_is_down_is_a_503_to_retry(tmp_path, client_for) -> None:
    root = tmp_path / "pg-book"
    root.mkdir()
    (root / "vigie.toml").write_text(  # port 9 (discard): nothing listens
        '[workspace]\nbackend = "postgres://ann:S3cret@127.0.0.1:9/book"\nschema_version = '
        f"{SCHEMA_VERSION}\n"
    )
    UserStore(root).add("victor", PASSWORDS["victor"], "viewer")
    response = client_for("victor", root).get("/api/portfolio")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    detail = response.json()["detail"]
    assert detail.startswith("Cannot connect to backend 'postgres://ann:***@127.0.0.1:9/book'")
    assert "S3cret" not in detail and str(root) not in detail


def test_colour_dots_and_file_inputs_are_named_for_screen_readers(client_for) -> None:
    client = client_for("admin")
    assert re.search(
        r'role="img" aria-label="usage: (green|yellow|red) \d+"', client.get("/portfolio").text
    )
    for path in ("/data", "/scorecards"):
        assert re.search(r'<label>[^<]+<input type="file"', client.get(path).text), path


def test_the_review_queue_is_paged(client_for) -> None:
    """A 25,000-account book had 2,618 disagreements: one 1.6 MB page."""
    client = client_for("victor")
    everything = client.get("/api/review", params={"per_page": 500}).json()
    assert everything["total"] == len(everything["entries"]) > 1
    first = client.get("/api/review", params={"per_page": 1}).json()
    assert (first["pages"], len(first["entries"])) == (everything["total"], 1)
    second = client.get("/api/review", params={"per_page": 1, "page": 2}).json()
    assert second["entries"] == everything["entries"][1:2]
    assert "Page 1 / " in client.get("/review", params={"per_page": 1}).text
