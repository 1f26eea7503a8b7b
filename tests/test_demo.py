"""`vigie demo` runs the whole product end to end on a small simulated book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vigie.demo import build_demo
from vigie.errors import WorkspaceError
from vigie.web.users import UserStore
from vigie.workspace import Workspace


@pytest.mark.slow
def test_demo_builds_scores_warns_predicts_and_creates_logins(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    args = [sys.executable, "-m", "vigie", "demo", str(folder), "--accounts", "150"]
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        env={**os.environ, "VIGIE_DEMO_SERVE": "0", "COLUMNS": "200"},
    )
    assert proc.returncode == 0, proc.stderr
    for section in (
        "Rows per table",
        "saas-standard: bands on",
        "Most ARR in the lowest band",
        "Signals fired in the last 30 days",
        "Review queue",
        "Who predicted churn better on held-out dates",
        "Highest churn risk today",
        "of each CSM's worklist, by ARR at risk",
        "(vigie forecast)",
        "forecast GRR",
        "Dashboard logins (demo only)",
    ):
        assert section in proc.stdout, section
    assert "Vigie dashboard on" not in proc.stdout  # VIGIE_DEMO_SERVE=0: nothing served
    with Workspace.open(folder) as ws:
        tables = set(ws.con.list_tables())
        assert {"health_snapshots", "signals", "churn_predictions"} <= tables
        assert ws.table("usage_events").count().execute() > 0
    report = (folder / "backtest-report.html").read_text(encoding="utf-8")
    assert "<script src=" not in report and "plotly" in report
    store = UserStore(folder)
    assert store.authenticate("admin", "vigie-admin") is not None
    assert store.get("csm").role == "csm"


def test_the_demo_refuses_a_folder_holding_a_workspace(tmp_path: Path) -> None:
    """It replaces every table and data file: a real book there would be overwritten."""
    Workspace.init(tmp_path / "book").close()
    (tmp_path / "book" / "data").mkdir()
    (tmp_path / "book" / "data" / "accounts.parquet").write_bytes(b"mine")
    with pytest.raises(WorkspaceError, match="already holds a Vigie workspace"):
        build_demo(tmp_path / "book", accounts=5, months=3)
    assert (tmp_path / "book" / "data" / "accounts.parquet").read_bytes() == b"mine"
