"""Worklist ranking, dedupe of open actions, and the action lifecycle on a tiny workspace."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import ibis
import pandas as pd
import pytest
from playbook_helpers import load
from typer.testing import CliRunner

from vigie.cli import app
from vigie.engine.scoring import SCHEMAS, SNAPSHOTS
from vigie.errors import PlaybookError, UnknownAccountError, VigieError
from vigie.playbooks.actions import close_action, list_actions, open_actions
from vigie.playbooks.rules import load_playbooks
from vigie.playbooks.worklist import account_facts, worklist
from vigie.signals.base import SIGNAL_SCHEMA
from vigie.signals.compute import SIGNALS
from vigie.workspace import Workspace

D = dt.date(2024, 6, 1)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.init(tmp_path / "ws")
    # (id, arr, score, band, subscription end): ARR x risk x proximity decides the order.
    spec = [
        ("big_ok", 100_000.0, 85.0, "green", None),
        ("mid_red", 20_000.0, 20.0, "red", None),
        ("small_red_renewing", 12_000.0, 20.0, "red", dt.date(2024, 6, 30)),
    ]
    load(workspace, "accounts", [{"account_id": a, "name": a, "csm": "ann"} for a, *_ in spec])
    load(
        workspace,
        "subscriptions",
        [
            {"subscription_id": f"S-{a}", "account_id": a, "start_date": dt.date(2023, 1, 1),
             "end_date": end, "arr": arr, "seats": 5}
            for a, arr, _, _, end in spec
        ],
    )  # fmt: skip
    snaps = pd.DataFrame(
        [
            {"account_id": a, "as_of": D - dt.timedelta(days=1), "scorecard": "t",
             "scorecard_version": "1", "score": s, "score_scaled": s, "band": b}
            for a, _, s, b, _ in spec
        ]
    )  # fmt: skip
    for col in SCHEMAS[SNAPSHOTS].names:
        snaps[col] = snaps.get(col)
    workspace.con.create_table(
        SNAPSHOTS, ibis.memtable(snaps[list(SCHEMAS[SNAPSHOTS].names)], schema=SCHEMAS[SNAPSHOTS])
    )
    yield workspace
    workspace.close()


def test_ranked_by_arr_at_risk(ws: Workspace) -> None:
    facts = account_facts(ws, D)
    rows = worklist(facts, load_playbooks(), list_actions(ws), D)
    # big_ok: 100k x 0.15 x 1 = 15k; small_red: 12k x 0.8 x (1 + 151/180) = 17.6k; mid_red 16k.
    assert list(rows["account_id"]) == ["small_red_renewing", "mid_red", "big_ok"]
    assert rows.set_index("account_id")["playbook"].to_dict() == {
        "small_red_renewing": "renewal-at-risk",
        "mid_red": "tier-urgent",
        "big_ok": "tier-expansion",
    }
    assert rows["arr_at_risk"].iloc[0] == pytest.approx(12_000 * 0.8 * (1 + 151 / 180))
    assert set(rows["owner"]) == {"ann"}


def test_risk_and_tiers_read_the_score_on_0_100_whatever_the_scale(ws: Workspace) -> None:
    """A /8 scorecard (starter-8) shows 6.4 for 80: it is neither risky nor tier-urgent."""
    before = worklist(account_facts(ws, D), load_playbooks(), list_actions(ws), D)
    ws.con.raw_sql(f"UPDATE {SNAPSHOTS} SET score_scaled = score * 8 / 100")
    after = worklist(account_facts(ws, D), load_playbooks(), list_actions(ws), D)
    same = ["account_id", "risk", "arr_at_risk", "playbook"]
    pd.testing.assert_frame_equal(after[same], before[same])
    assert list(after["score"]) == list(before["score"] * 8 / 100)


def test_a_kind_that_fires_twice_is_listed_once(ws: Workspace) -> None:
    fired = pd.DataFrame(
        {
            "account_id": ["mid_red", "mid_red"],
            "as_of": [D - dt.timedelta(days=1)] * 2,
            "kind": ["dimension_drop", "dimension_drop"],
            "severity": ["high", "medium"],
            "value": [20.0, 40.0],
            "baseline": [70.0, 80.0],
            "evidence": ["usage fell", "support fell"],
        }
    )
    ws.con.create_table(SIGNALS, ibis.memtable(fired, schema=SIGNAL_SCHEMA))
    facts = account_facts(ws, D).set_index("account_id")
    assert facts.loc["mid_red", "signal_kinds"] == "|dimension_drop|"


def test_cli_worklist_warns_when_the_signals_are_old(ws: Workspace) -> None:
    fired = pd.DataFrame(
        {"account_id": ["mid_red"], "as_of": [D - dt.timedelta(days=30)], "kind": ["no_touch"],
         "severity": ["high"], "value": [70.0], "baseline": [None], "evidence": ["no call"]}
    )  # fmt: skip
    ws.con.create_table(SIGNALS, ibis.memtable(fired, schema=SIGNAL_SCHEMA))
    used = {"account_id": "mid_red", "event": "login", "occurred_at": dt.datetime(2024, 5, 31)}
    load(ws, "usage_events", [used])
    root = str(ws.root)
    ws.close()
    result = CliRunner().invoke(app, ["worklist", "-w", root, "--as-of", str(D), "--json"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert f"signals are dated {D - dt.timedelta(days=30)}, 30 days before {D}" in said
    assert json.loads(result.stdout)  # the JSON on stdout is untouched
    later = D + dt.timedelta(days=60)  # past the data: one hint, --as-of, not "signals now"
    result = CliRunner().invoke(app, ["worklist", "-w", root, "--as-of", str(later), "--json"])
    said = " ".join(result.stderr.split())
    assert "pass --as-of" in said and "vigie signals --as-of" not in said


def test_open_action_is_not_recommended_twice(ws: Workspace) -> None:
    books = load_playbooks()
    facts = account_facts(ws, D)
    first = worklist(facts, books, list_actions(ws), D)
    todo = first.rename(columns={"action": "reason"}).assign(due_days=3)
    created = open_actions(ws, todo)
    assert len(created) == 3
    assert open_actions(ws, todo).empty  # same reason still open: nothing new
    again = worklist(facts, books, list_actions(ws), D)
    # Still listed, with the open action: not the next playbook down (which would pile up)
    assert again[["account_id", "playbook"]].equals(first[["account_id", "playbook"]])
    opened = created.set_index("account_id")
    assert again.set_index("account_id")["open_action"].to_dict() == opened["action_id"].to_dict()
    assert list(again["due"]) == list(again["account_id"].map(opened["due_at"].dt.date))


def _top_action_done(ws: Workspace, at: dt.datetime) -> pd.Series:
    """Open and close, at `at`, the action of the worklist's top row at D; that row."""
    first = worklist(account_facts(ws, D), load_playbooks(), list_actions(ws), D)
    todo = first.head(1).rename(columns={"action": "reason"}).assign(due_days=3)
    [action] = open_actions(ws, todo, now=at)["action_id"]
    close_action(ws, action, "done", outcome="exec call held", now=at)
    return first.iloc[0]


def test_a_playbook_just_done_is_not_proposed_again_for_a_month(ws: Workspace) -> None:
    books = load_playbooks()
    top = _top_action_done(ws, dt.datetime(2024, 5, 20, 9))
    again = worklist(account_facts(ws, D), books, list_actions(ws), D).set_index("account_id")
    assert again.loc[top["account_id"], "playbook"] != top["playbook"]  # the next one, if any
    later = D + dt.timedelta(days=20)  # 32 days after it was done, before the term ends
    back = worklist(account_facts(ws, later), books, list_actions(ws), later)
    assert back.set_index("account_id").loc[top["account_id"], "playbook"] == top["playbook"]


def test_an_action_closed_after_d_does_not_hide_its_playbook_at_d(ws: Workspace) -> None:
    """As of D the CSM had not dealt with it yet."""
    top = _top_action_done(ws, dt.datetime(2024, 6, 4, 9))
    again = worklist(account_facts(ws, D), load_playbooks(), list_actions(ws), D)
    again = again.set_index("account_id")
    assert again.loc[top["account_id"], "playbook"] == top["playbook"]


def test_lifecycle_done_and_dismissed(ws: Workspace) -> None:
    rows = pd.DataFrame(
        {"account_id": ["mid_red", "big_ok"], "playbook": ["p", "q"], "reason": ["r", "s"],
         "owner": ["ann", "ann"], "due_days": [1, 2]}
    )  # fmt: skip
    created = open_actions(ws, rows, now=dt.datetime(2024, 6, 1, 9))
    a, b = created["action_id"]
    close_action(ws, a, "done", outcome="renewed", notes="exec call went well")
    close_action(ws, b, "dismissed", notes="not relevant")
    table = list_actions(ws).set_index("action_id")
    assert table.loc[a, ["status", "outcome", "notes"]].tolist() == [
        "done", "renewed", "exec call went well",
    ]  # fmt: skip
    assert table.loc[b, "status"] == "dismissed"
    assert table["completed_at"].notna().all()
    assert table.loc[a, "due_at"] == pd.Timestamp("2024-06-02 09:00")
    with pytest.raises(PlaybookError, match="already done"):
        close_action(ws, a, "dismissed")
    with pytest.raises(PlaybookError, match="No action"):
        close_action(ws, "A-missing", "done")
    assert len(list_actions(ws)) == 2  # refusals changed nothing
    with pytest.raises(PlaybookError, match="Unknown status 'bogus': use one of open, done"):
        list_actions(ws, status="bogus")


def test_an_action_without_an_owner_goes_to_the_accounts_csm(ws: Workspace) -> None:
    rows = pd.DataFrame(
        {"account_id": ["mid_red", "big_ok"], "playbook": ["p", "q"], "reason": ["r", "s"],
         "owner": [None, "support-lead"], "due_days": [1, 2]}
    )  # fmt: skip
    created = open_actions(ws, rows).set_index("account_id")
    assert created["owner"].to_dict() == {"mid_red": "ann", "big_ok": "support-lead"}


def test_cli_worklist_record_and_actions(ws: Workspace, tmp_path: Path) -> None:
    root = str(ws.root)
    ws.close()
    runner = CliRunner()
    base = ["worklist", "-w", root, "--as-of", "2024-06-01"]
    result = runner.invoke(app, [*base, "--csv", "--csm", "ann"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("account_id,name,csm")
    assert [line.split(",")[0] for line in lines[1:]] == ["small_red_renewing", "mid_red", "big_ok"]
    recorded = runner.invoke(app, [*base, "--record", "--json"])
    assert "Opened 3 action(s)." in recorded.stderr
    listed = json.loads(runner.invoke(app, ["actions", "list", "-w", root, "--json"]).output)
    ids = {a["account_id"]: a["action_id"] for a in listed}
    assert {r["account_id"]: r["open_action"] for r in json.loads(recorded.stdout)} == ids
    stored_due = {a["account_id"]: a["due_at"][:10] for a in listed}  # from today, not as-of
    assert {r["account_id"]: r["due"] for r in json.loads(recorded.stdout)} == stored_due
    for _ in range(2):  # a daily cron: nothing new while the actions are open
        again = runner.invoke(app, [*base, "--record", "--json"])
        assert again.exit_code == 0 and "Opened 0 action(s)." in again.stderr
        assert {r["account_id"]: r["open_action"] for r in json.loads(again.stdout)} == ids
    nobody = runner.invoke(app, [*base, "--record", "--csm", "nobody"])  # an empty worklist
    assert nobody.exit_code == 0 and "Opened 0 action(s)." in nobody.stderr
    out = tmp_path / "w.xlsx"
    assert runner.invoke(app, [*base, "--xlsx", str(out)]).exit_code == 0
    assert dict(pd.read_excel(out)[["account_id", "open_action"]].values) == ids
    listed = json.loads(runner.invoke(app, ["actions", "list", "-w", root, "--json"]).output)
    assert len(listed) == 3 and {a["status"] for a in listed} == {"open"}
    first = listed[0]["action_id"]
    result = runner.invoke(app, ["actions", "done", first, "-w", root, "--outcome", "renewed"])
    assert result.exit_code == 0 and f"{first} is done." in result.output
    still_open = listed[1]
    again = runner.invoke(
        app,
        ["actions", "add", still_open["account_id"], "--reason", "x",
         "--playbook", still_open["playbook"], "-w", root],
    )  # fmt: skip
    assert isinstance(again.exception, PlaybookError)


def test_a_worklist_without_scores_ranks_on_signals_and_says_what_it_lacks(
    tmp_path: Path,
) -> None:
    with Workspace.init(tmp_path / "ws") as bare:
        load(bare, "accounts", [{"account_id": "A", "name": "A", "csm": "ann"}])
        load(
            bare,
            "subscriptions",
            [{"subscription_id": "S", "account_id": "A", "start_date": dt.date(2023, 1, 1),
              "end_date": dt.date(2024, 6, 20), "arr": 1000.0, "seats": 5}],
        )  # fmt: skip
        facts = account_facts(bare, D)
        assert facts.loc[0, "risk"] == 0.5 and pd.isna(facts.loc[0, "score_date"])
        assert worklist(facts, load_playbooks(), list_actions(bare), D).empty
        out = CliRunner().invoke(app, ["worklist", "-w", str(bare.root), "--as-of", str(D)])
    assert out.exit_code == 0
    assert "Found no score dated on or before 2024-06-01" in " ".join(out.output.split())


def test_a_parent_without_signals_cites_its_worst_child(ws: Workspace) -> None:
    load(ws, "accounts", [{"account_id": "kid", "name": "kid", "parent_account_id": "mid_red"}])
    load(
        ws,
        "subscriptions",
        [{"subscription_id": "S-kid", "account_id": "kid", "start_date": dt.date(2023, 1, 1),
          "arr": 5000.0, "seats": 5}],
    )  # fmt: skip
    fired = pd.DataFrame(
        {
            "account_id": ["kid"],
            "as_of": [D - dt.timedelta(days=1)],
            "kind": ["champion_left"],
            "severity": ["high"],
            "value": [1.0],
            "baseline": [None],
            "evidence": ["champion left on 2024-05-20; no champion since"],
        }
    )
    ws.con.create_table(SIGNALS, ibis.memtable(fired, schema=SIGNAL_SCHEMA))
    facts = account_facts(ws, D).set_index("account_id")
    assert facts.loc["mid_red", "risk_type"] == facts.loc["kid", "risk_type"] == "relationship"
    assert facts.loc["mid_red", "evidence"] == "kid: " + facts.loc["kid", "evidence"]
    assert pd.isna(facts.loc["big_ok", "risk_type"])


def test_cli_refuses_counts_and_horizons_out_of_range(ws: Workspace) -> None:
    """A negative limit dropped rows from the end; a due date in year 275817 broke every page
    listing actions; a 100,000-month forecast crashed."""
    root = str(ws.root)
    ws.close()
    runner = CliRunner()
    for args in (
        ["worklist", "--limit", "-5"],
        ["actions", "add", "mid_red", "--reason", "x", "--due-days", "99999999"],
        ["forecast", "--months", "100000"],
        ["predict", "--top", "-1"],
        ["accounts", "--limit", "99999999999999999999999"],
    ):
        result = runner.invoke(app, [*args, "-w", root])
        assert result.exit_code == 2, args
        assert "Invalid value" in result.output and "Traceback" not in result.output, args


def test_cli_output_files_need_an_existing_folder(ws: Workspace, tmp_path: Path) -> None:
    root = str(ws.root)
    ws.close()
    runner = CliRunner()
    missing = runner.invoke(
        app, ["worklist", "-w", root, "--xlsx", str(tmp_path / "no" / "w.xlsx")]
    )
    assert isinstance(missing.exception, VigieError) and "does not exist" in str(missing.exception)
    folder = runner.invoke(app, ["worklist", "-w", root, "--xlsx", str(tmp_path)])
    assert isinstance(folder.exception, VigieError) and "is a folder" in str(folder.exception)
    assert not (tmp_path / "no").exists()
    typo = runner.invoke(app, ["actions", "list", "-w", root, "--account", "mid_rde"])
    assert isinstance(typo.exception, UnknownAccountError) and "mid_red" in str(typo.exception)


def test_a_long_worklist_prints_its_first_rows_and_says_how_to_get_all(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 accounts printed as a table took 38 s and 39,483 lines of a terminal."""
    monkeypatch.setattr(sys.modules["vigie.cli.app"], "MAX_LISTED", 2)  # the package's `app`
    # is the Typer application, so the module is reached through sys.modules
    root = str(ws.root)
    ws.close()
    out = CliRunner().invoke(app, ["worklist", "-w", root, "--as-of", str(D)])
    said = " ".join(out.output.split())
    assert out.exit_code == 0 and "The first 2 of 3 rows: --limit N, --json, --csv" in said
    every = CliRunner().invoke(app, ["worklist", "-w", root, "--as-of", str(D), "--json"])
    assert len(json.loads(every.stdout)) == 3  # JSON, CSV and XLSX keep every row
