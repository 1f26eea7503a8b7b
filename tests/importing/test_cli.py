"""`vigie import` from the command line: summary, JSON, exit code 2 without traceback."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers_import import FILES, snapshot
from typer.testing import CliRunner

from vigie.cli import app
from vigie.errors import ImportValidationError
from vigie.workspace import Workspace

BAD = FILES / "bad"
runner = CliRunner()


def test_refused_import_exits_2_with_located_problems_and_no_traceback(ws: Workspace) -> None:
    ws.close()  # the child process needs the DuckDB file
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "vigie",
            "import",
            "usage_events",
            str(BAD / "usage_events_several.csv"),
            "-w",
            str(ws.root),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "300", "PATH": ""},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "3 problem(s) found, nothing was written" in result.stderr
    assert f"{BAD / 'usage_events_several.csv'}:3 column 'account_id': unknown account_id" in (
        result.stderr
    )


def test_json_lists_every_problem(ws: Workspace, tmp_path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("account_id,name,seats\n" + "".join(f"X{i},n,-{i + 1}\n" for i in range(60)))
    before = snapshot(ws)
    result = runner.invoke(app, ["import", "accounts", str(path), "--json", "-w", str(ws.root)])
    assert result.exit_code == 2
    output = json.loads(result.stdout)
    assert output["total"] == 60
    assert len(output["problems"]) == 60
    assert output["problems"][59] == {
        "file": str(path),
        "line": 61,
        "column": "seats",
        "value": "-60",
        "reason": "must not be negative",
    }
    assert snapshot(ws) == before


def test_terminal_error_is_the_import_validation_error(ws: Workspace) -> None:
    """Without --json the error reaches `vigie.cli.main`, which prints it and exits 2."""
    result = runner.invoke(
        app, ["import", "accounts", str(BAD / "accounts_bad_arr.csv"), "-w", str(ws.root)]
    )
    assert isinstance(result.exception, ImportValidationError)
    assert "accounts_bad_arr.csv:2 column 'arr'" in str(result.exception)


def test_summary_and_dry_run(ws: Workspace) -> None:
    args = ["import", "tickets", str(FILES / "tickets.csv"), "-w", str(ws.root)]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing written to" in dry.stdout
    assert ws.con.con.execute("SELECT count(*) FROM tickets").fetchone() == (0,)
    done = runner.invoke(app, [*args, "--mode", "upsert", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["inserted"] == 2
    again = runner.invoke(app, [*args, "--mode", "upsert"])
    assert "updated" in again.stdout and "Ignored columns of" in again.stdout
