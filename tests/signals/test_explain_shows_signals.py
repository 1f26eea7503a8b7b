"""`vigie explain` shows the account's early-warning signals next to the score change."""

from __future__ import annotations

import datetime as dt
import json

from signals_helpers import accounts, load
from typer.testing import CliRunner

from vigie.cli.app import app
from vigie.engine.scoring import score
from vigie.scorecard import load_scorecard

CARD = """\
name: champion-only
bands: [{name: green, min: 70}, {name: red, min: 0}]
dimensions:
  relationship:
    weight: 1
    measures:
      champion_present:
        metric: {exists: contacts, where: {is_champion: true, active: true}}
        grade: {categorical: {true: 100, false: 0}}
"""


def test_explain_lists_signals_at_the_later_date(ws) -> None:
    accounts(ws, ["LOST"])
    champion = {
        "contact_id": "c1",
        "account_id": "LOST",
        "is_champion": True,
        "started_at": dt.date(2023, 1, 1),
        "ended_at": dt.date(2025, 3, 10),
    }
    load(ws, "contacts", [champion])
    score(ws, load_scorecard(CARD), [dt.date(2025, 3, 1), dt.date(2025, 3, 15)])
    args = ["explain", "LOST", "--from", "2025-03-01", "--to", "2025-03-15", "-w", str(ws.root)]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "100.0 (green)" in out.output and "0.0 (red)" in out.output
    assert "Signals on 2025-03-15" in out.output
    assert "champion left on 2025-03-10" in out.output
    data = json.loads(CliRunner().invoke(app, [*args, "--json"]).output)
    assert {s["kind"] for s in data["signals"]} >= {"champion_left"}
