"""Signal settings: bundled defaults, partial overrides, refusals with the YAML line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from signals_helpers import accounts, daily_usage, load, logs_interactions
from typer.testing import CliRunner

from vigie.cli import app
from vigie.errors import SignalConfigError, VigieError
from vigie.signals.compute import KINDS, compute_signals
from vigie.signals.config import load_config
from vigie.signals.evaluate import churn_dates, evaluate


def test_defaults_and_a_partial_override(tmp_path: Path) -> None:
    assert load_config().touch.days == 60
    path = tmp_path / "signals.yaml"
    path.write_text("touch:\n  days: 30\n", encoding="utf-8")
    config = load_config(path)
    assert (config.touch.days, config.touch.meaningful_kinds) == (30, ["meeting", "call", "qbr"])


def test_the_workspace_settings_are_read_by_every_caller(ws, tmp_path: Path) -> None:
    """signals.yaml in the workspace folder: the worklist, pages and alerts (which pass no
    config) fire what `vigie signals` stores; an explicit file still wins."""
    accounts(ws, ["A"])
    meeting = {"interaction_id": "m1", "account_id": "A", "kind": "meeting", "responded": True}
    load(ws, "interactions", [{**meeting, "occurred_at": dt.datetime(2025, 5, 1, 10)}])
    as_of = dt.date(2025, 6, 15)  # 45 days after the meeting: under the bundled 60
    assert compute_signals(ws, [as_of], persist=False).empty
    (ws.root / "signals.yaml").write_text("touch:\n  days: 30\n", encoding="utf-8")
    assert load_config(workspace=ws).touch.days == 30
    fired = compute_signals(ws, [as_of], persist=False)
    assert list(zip(fired["account_id"], fired["kind"], strict=True)) == [("A", "no_touch")]
    mine = tmp_path / "mine.yaml"
    mine.write_text("touch:\n  days: 90\n", encoding="utf-8")
    assert load_config(mine, ws).touch.days == 90


def test_every_problem_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "signals.yaml"
    path.write_text(
        "usage:\n  drop_ratio: 2\n\ntouch:\n  days: 30\n  colour: blue\nsentiment:\n"
        "  reasons: [aliens]\n",
        encoding="utf-8",
    )
    with pytest.raises(SignalConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "3 problem(s)" in message
    assert "line 2 usage.drop_ratio: Input should be less than 1" in message
    assert "line 6 touch.colour: Extra inputs are not permitted" in message
    assert "line 8 sentiment.reasons: Value error, unknown reasons ['aliens']" in message


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("touch:\n  days: [1\n", encoding="utf-8")
    with pytest.raises(SignalConfigError, match="line 3: invalid YAML"):
        load_config(path)
    with pytest.raises(SignalConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_every_kind_is_documented() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "signals.md").read_text(encoding="utf-8")
    missing = [k for k in KINDS if f"`{k}`" not in docs]
    assert missing == []
    for section, values in load_config().model_dump().items():
        for key in values:
            assert f"`{section}.{key}`" in docs, f"{section}.{key}"


def test_cli_signals_filters_and_refuses_unknown_kinds(ws) -> None:
    accounts(ws, ["A", "B"])
    logs_interactions(ws, "A")
    load(ws, "usage_events", daily_usage("A", dt.date(2025, 1, 1), dt.date(2025, 3, 1), 1))
    root = str(ws.root)
    ws.close()
    runner = CliRunner()
    result = runner.invoke(
        app, ["signals", "-w", root, "--as-of", "2025-06-01", "--kind", "no_touch", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # usage ends in March: a warning on stderr says so
    assert {(r["account_id"], r["kind"]) for r in rows} == {("A", "no_touch"), ("B", "no_touch")}
    assert "the newest usage event is 2025-03-01, 92 days before 2025-06-01" in " ".join(
        result.stderr.split()
    )
    assert "--as-of 2025-03-02" in result.stderr
    result = runner.invoke(app, ["signals", "-w", root, "--kind", "vibes"])
    assert isinstance(result.exception, VigieError)


def test_evaluation_counts_recall_precision_and_lead(ws) -> None:
    load(ws, "accounts", [{"account_id": a, "name": a} for a in ("GONE", "STAYS")])
    load(
        ws,
        "subscriptions",
        [
            {"subscription_id": "g", "account_id": "GONE", "start_date": dt.date(2024, 1, 1),
             "end_date": dt.date(2025, 6, 1), "arr": 1.0},
            {"subscription_id": "s", "account_id": "STAYS", "start_date": dt.date(2024, 1, 1),
             "arr": 1.0},
        ],
    )  # fmt: skip
    d = dt.date
    signals = __import__("pandas").DataFrame(
        [
            {"account_id": "GONE", "as_of": d(2025, 3, 1), "kind": "no_touch"},
            {"account_id": "GONE", "as_of": d(2025, 4, 1), "kind": "no_touch"},
            {"account_id": "STAYS", "as_of": d(2025, 4, 1), "kind": "no_touch"},
            {"account_id": "STAYS", "as_of": d(2025, 4, 1), "kind": "late_payment"},
        ]
    )
    dates = [
        d(2025, 1, 1),
        d(2025, 2, 1),
        d(2025, 3, 1),
        d(2025, 4, 1),
        d(2025, 5, 1),
        d(2025, 6, 1),
    ]
    assert churn_dates(ws, d(2026, 1, 1)).to_dict("records") == [
        {"account_id": "GONE", "churn_date": d(2025, 6, 1)}
    ]
    table = evaluate(ws, signals, dates, end=d(2026, 1, 1), horizon=120).set_index("kind")
    assert table.loc["no_touch", "recall"] == 1.0
    assert table.loc["no_touch", "precision"] == pytest.approx(2 / 3)
    assert table.loc["no_touch", "median_lead_days"] == 92.0  # 2025-03-01 -> 2025-06-01
    assert (table.loc["late_payment", "recall"], table.loc["late_payment", "precision"]) == (0, 0)


def test_cli_signals_over_many_dates_prints_a_summary(ws, monkeypatch) -> None:
    """A backfill fires thousands: counts by kind and the latest date's rows, not every one."""
    accounts(ws, ["A", "B"])
    logs_interactions(ws, "A")
    root = str(ws.root)
    ws.close()
    monkeypatch.setattr("vigie.cli.signals_cmds.MAX_LISTED", 1)
    args = ["signals", "-w", root, "--from", "2025-05-01", "--to", "2025-06-01", "--every", "7d"]
    result = CliRunner().invoke(app, [*args, "--kind", "no_touch"], terminal_width=200)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())  # titles wrap to the table's width
    assert "│ no_touch │ 10 │" in out  # 2 accounts x 5 dates, counted
    assert out.count("│ 2025-05-29 │") == 1 and "2025-05-22" not in out  # the latest date's rows
    assert "All of them: --json" in out
