"""`vigie simulate` writes the files, and refuses bad options with a readable message."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from vigie.cli.app import app
from vigie.errors import SimulationError
from vigie.schema import TABLES


def test_simulate_writes_every_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["simulate", "--accounts", "20", "--months", "4", "--seed", "3", "--end", "2025-06-01",
         "--out", str(tmp_path), "--format", "parquet", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["end"] == "2025-06-01"
    assert report["rows"]["accounts"] == 20
    for name in TABLES:
        assert pq.read_table(tmp_path / f"{name}.parquet").num_rows == report["rows"][name]


def test_bad_options_are_user_errors_and_write_nothing(tmp_path: Path) -> None:
    for args, message in (
        (["--end", "2025-02-30"], "--end '2025-02-30' is not a date"),
        (["--months", "1"], "--months must be between 3 and 60"),
        (["--format", "xlsx"], "--format must be one of csv, parquet"),
        (["--accounts", "0"], "--accounts must be at least 1"),
    ):
        result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), *args])
        assert isinstance(result.exception, SimulationError), result.output
        assert message in str(result.exception)
    assert not any(tmp_path.iterdir())
