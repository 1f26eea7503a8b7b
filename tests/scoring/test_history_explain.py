"""history, accounts and explain read stored scores back; values hand-checked on the fixture.

A2 over three weekly dates of the reference scorecard (usage 40, relationship 30, voice missing):
- 2024-02-16: usage 100; relationship: 77 days since the QBR -> 25.56 pts, champion left
  2024-02-15 -> 0; (100 x 40 + 12.78 x 30) / 70 = 62.62.
- 2024-02-23: an override puts champion_present at 100 (2024-02-20 to 2024-02-24): relationship
  (17.78 + 100) / 2 = 58.89 -> 82.38.
- 2024-03-01: override lapsed, 91 days -> 10 pts: relationship 5 -> 59.29.
So from 02-23 to 03-01 champion_present moved -21.43 points and days_since_meeting -1.67.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigie.cli.app import app
from vigie.engine.explain import explain
from vigie.engine.history import (
    accounts,
    history,
    latest_scorecard,
    pick_scorecard,
    sparkline,
)
from vigie.engine.overrides import add_override
from vigie.engine.scoring import SNAPSHOTS, score
from vigie.errors import UnknownAccountError, VigieError
from vigie.scorecard.spec import load_scorecard
from vigie.web.pages.common import latest_run
from vigie.workspace import Workspace

REFERENCE = Path(__file__).parent / "fixtures" / "reference.yaml"
D1, D2, D3 = dt.date(2024, 2, 16), dt.date(2024, 2, 23), dt.date(2024, 3, 1)


@pytest.fixture
def scored(duck: Workspace) -> Workspace:
    card = load_scorecard(REFERENCE)
    add_override(
        duck,
        card,
        "A2",
        "relationship.champion_present",
        100,
        "new champion",
        D2 + dt.timedelta(days=1),
        today=dt.date(2024, 2, 20),
        author="bob",
    )
    score(duck, card, [D1, D2, D3])
    return duck


def test_history_of_one_account(scored: Workspace) -> None:
    rows = history(scored, "A2")
    assert list(rows.as_of) == [D1, D2, D3]
    assert rows.score.tolist() == pytest.approx([62.6190476, 82.3809524, 59.2857143])
    assert rows.delta_7d.tolist()[1:] == pytest.approx([19.7619048, -23.0952381])
    assert rows.delta_7d.isna().tolist() == [True, False, False]
    assert list(rows.band) == ["yellow", "green", "yellow"]
    assert sparkline(rows.score) == "▆▇▅"


def test_history_errors_say_how_to_fix(scored: Workspace) -> None:
    with pytest.raises(UnknownAccountError, match="Did you mean A2"):
        history(scored, "A22")
    with pytest.raises(VigieError, match="No stored scores for account 'A4'"):
        history(scored, "A4")  # its subscription ended before the scored dates
    with pytest.raises(VigieError, match="stored: reference"):
        history(scored, "A2", scorecard="saas-standard")


def test_accounts_latest_scores_filters_and_sorts(scored: Workspace) -> None:
    rows = accounts(scored)
    assert list(rows.account_id) == ["A3", "A2", "P1", "A1"]  # weakest first
    assert set(rows.as_of) == {D3}
    a1 = rows.set_index("account_id").loc["A1"]
    assert (a1.arr, a1.csm, a1.segment) == (120000.0, "alice", "enterprise")  # ARR from S2 at D3
    assert list(accounts(scored, sort="arr", limit=2).account_id) == ["A1", "A2"]
    assert list(accounts(scored, band="yellow").account_id) == ["A2"]
    assert list(accounts(scored, csm="alice", sort="name").account_id) == ["A1", "P1"]
    assert list(accounts(scored, min_score=60, max_score=72).account_id) == ["P1"]
    with pytest.raises(VigieError, match="Unknown sort"):
        accounts(scored, sort="colour")


def test_accounts_lists_the_book_of_the_latest_date_unless_asked_for_all(scored: Workspace) -> None:
    """A4's subscription ended on 2024-02-01: scored on 2024-01-15, a former customer since."""
    score(scored, load_scorecard(REFERENCE), [dt.date(2024, 1, 15)])
    assert "A4" not in set(accounts(scored).account_id)
    former = accounts(scored, former=True).set_index("account_id")
    assert former.loc["A4"].as_of == dt.date(2024, 1, 15)
    out = CliRunner().invoke(app, ["accounts", "-w", str(scored.root), "--all", "--json"])
    listed = {row["account_id"]: row["as_of"] for row in json.loads(out.output)}
    assert listed["A4"] == "2024-01-15" and listed["A1"] == "2024-03-01"


@pytest.mark.parametrize(
    "command",
    [["score"], ["signals"], ["risk"], ["worklist"], ["review"], ["explain", "A1"], ["forecast"]],
)
def test_a_date_after_today_is_refused(scored: Workspace, command: list[str]) -> None:
    out = CliRunner().invoke(app, [*command, "-w", str(scored.root), "--as-of", "2999-01-01"])
    assert isinstance(out.exception, VigieError) and "is after today" in str(out.exception)


@pytest.mark.parametrize("command", [["signals", "--account", "NOPE"], ["sentiment", "NOPE"]])
def test_an_unknown_account_is_refused(scored: Workspace, command: list[str]) -> None:
    out = CliRunner().invoke(app, [*command, "-w", str(scored.root)])
    assert isinstance(out.exception, VigieError) and "No account 'NOPE'" in str(out.exception)


def test_explain_ranks_measures_by_contribution_change(scored: Workspace) -> None:
    found = explain(scored, "A2", D2, D3)
    assert found.change == pytest.approx(-23.0952381)
    assert (found.composite_from["band"], found.composite_to["band"]) == ("green", "yellow")
    assert not found.version_changed
    m = found.measures
    assert list(m.measure[:2]) == ["champion_present", "days_since_meeting"]
    assert m.change[:2].tolist() == pytest.approx([-21.4285714, -1.6666667])
    assert m.change.sum() == pytest.approx(found.change)
    meeting = m.set_index("measure").loc["days_since_meeting"]
    assert (meeting.raw_from, meeting.raw_to) == (84.0, 91.0)
    assert (meeting.points_from, meeting.points_to) == pytest.approx((17.7777778, 10.0))
    champion = m.set_index("measure").loc["champion_present"]
    assert (champion.overridden_from, champion.overridden_to) == (True, False)
    dims = found.dimensions.set_index("dimension")
    assert dims.loc["relationship"].change == pytest.approx(5.0 - 58.8888889)
    assert dims.loc["usage"].change == 0
    assert found.overrides[["target", "active_from", "active_to"]].values.tolist() == [
        ["relationship.champion_present", True, False]
    ]


def test_explain_reports_a_scorecard_change_and_unscored_dates(scored: Workspace) -> None:
    text = REFERENCE.read_text().replace("[100, 100]]}", "[100, 90]]}")  # nps grade: A2 has none
    score(scored, load_scorecard(text), [D3])
    found = explain(scored, "A2", D2, D3)
    assert found.version_changed
    assert found.composite_to["score"] == pytest.approx(59.2857143)
    with pytest.raises(VigieError, match=r"Nearest stored date: 2024-02-23 \(stored: 3 dates"):
        explain(scored, "A2", dt.date(2024, 2, 25), D3)


def test_cli_accounts_history_explain(scored: Workspace) -> None:
    runner = CliRunner()
    ws = ["-w", str(scored.root)]
    out = runner.invoke(app, ["accounts", *ws, "--sort", "arr", "--json"])
    assert out.exit_code == 0, out.output
    assert [r["account_id"] for r in json.loads(out.output)] == ["A1", "A2", "A3", "P1"]
    out = runner.invoke(app, ["accounts", *ws, "--csv", "--band", "red"])
    assert out.output.splitlines()[1].startswith("A3,Cove,smb,bob,2024-03-01,0.0,red")
    out = runner.invoke(app, ["history", "A2", *ws])
    assert out.exit_code == 0, out.output
    assert "▆▇▅" in out.output and "+19.8" in out.output
    out = runner.invoke(app, ["explain", "A2", "--from", "2024-02-23", "--to", "2024-03-01", *ws])
    assert out.exit_code == 0, out.output
    assert "82.4 (green)" in out.output and "-23.1" in out.output
    assert "relationship.champion_pres" in out.output and "new champion" in out.output
    assert "(override)" in out.output
    args = ["explain", "A2", "--from", "2024-02-23", "--to", "2024-03-01", "--json", *ws]
    data = json.loads(runner.invoke(app, args).output)
    assert data["measures"][0]["measure"] == "champion_present"
    assert data["overrides"][0]["reason"] == "new champion"
    bad = runner.invoke(app, ["explain", "A2", "--from", "2024-02-24", "--to", "2024-03-01", *ws])
    assert isinstance(bad.exception, VigieError)


def test_every_door_defaults_to_the_same_scorecard_on_a_tie(scored: Workspace) -> None:
    """`kinds` is scored on the latest date too, once: `reference` has the longer history."""
    score(scored, load_scorecard(REFERENCE.with_name("kinds.yaml")), [D3])
    snapshots = scored.con.table(SNAPSHOTS)
    assert latest_scorecard(snapshots) == "reference"
    assert pick_scorecard(snapshots, None, "this test") == "reference"
    assert latest_run(scored, None) == ("reference", D3)
    score(scored, load_scorecard(REFERENCE.with_name("kinds.yaml")), [D1, D2])
    assert latest_run(scored, None) == ("kinds", D3)  # same history: the first by name


def test_a_backfill_prints_a_summary_and_the_latest_date_s_weakest(
    scored: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A weekly backfill of a real book is tens of thousands of rows: not a table to scroll."""
    monkeypatch.setattr("vigie.cli.score_cmds.MAX_LISTED", 5)
    monkeypatch.setattr("vigie.cli.score_cmds.WEAKEST_LISTED", 2)
    dates = ["--from", str(D1), "--to", str(D3), "--every", "7d", "-s", str(REFERENCE)]
    out = CliRunner().invoke(app, ["score", "-w", str(scored.root), *dates])
    assert out.exit_code == 0, out.output
    lines = " ".join(out.output.split())
    assert f"accounts on 3 date(s), {D1} to {D3}. At {D3}: green 2 · yellow 1 · red 1" in lines
    assert f"the 2 weakest at {D3} (all rows: --json or --csv)" in lines
    assert lines.count(f"│ {D3} │") == 2 and str(D2) not in lines


def test_a_scorecard_saved_in_the_workspace_is_used_by_its_name(scored: Workspace) -> None:
    """The web UI saves uploads in scorecards/; the CLI finds them by name, as the pages do."""
    folder = scored.root / "scorecards"
    folder.mkdir()
    text = REFERENCE.read_text(encoding="utf-8").replace("name: reference", "name: my-card", 1)
    (folder / "my-card.yaml").write_text(text, encoding="utf-8")
    ws = ["-w", str(scored.root)]
    runner = CliRunner()
    out = runner.invoke(app, ["score", *ws, "-s", "my-card", "--as-of", str(D3), "--json"])
    assert out.exit_code == 0, out.output
    assert {r["scorecard"] for r in json.loads(out.output)} == {"my-card"}
    checked = runner.invoke(app, ["scorecard", "validate", "my-card", *ws])
    assert checked.exit_code == 0 and "OK: scorecard my-card" in checked.output
    alone = runner.invoke(app, ["scorecard", "validate", "my-card"])  # no workspace to look in
    assert "no such file or bundled template" in str(alone.exception)
