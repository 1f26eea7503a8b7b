"""`vigie simulate`: write a realistic demo portfolio as canonical CSV or Parquet files."""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from vigie.cli.app import JsonOption, app, console
from vigie.errors import SimulationError
from vigie.simulate import default_end, simulate, write
from vigie.simulate.writer import FORMATS, check_format


def _parse_end(value: str | None) -> date:
    if value is None:
        return default_end()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise SimulationError(
            f"--end {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-01."
        ) from None


@app.command("simulate")
def simulate_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the files (created if missing).")],
    accounts: Annotated[int, typer.Option(help="Number of accounts.")] = 500,
    months: Annotated[int, typer.Option(help="Months of history before --end.")] = 24,
    seed: Annotated[int, typer.Option(help="Random seed: same seed and end, same files.")] = 42,
    format: Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.")] = "csv",
    end: Annotated[
        str | None,
        typer.Option(
            help="First day after the data (YYYY-MM-DD).",
            show_default="first day of the current UTC month",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Write a simulated B2B customer book: every canonical table, one file each."""
    started = time.perf_counter()
    end_date = _parse_end(end)
    check_format(format)
    portfolio = simulate(accounts=accounts, months=months, seed=seed, end=end_date)
    rows = write(portfolio, out, format)
    seconds = time.perf_counter() - started
    if as_json:
        print(json.dumps({"out": str(out), "end": end_date.isoformat(), "rows": rows}))
        return
    grid = RichTable(title=f"Simulated portfolio in {out} (data before {end_date})")
    grid.add_column("file")
    grid.add_column("rows", justify="right")
    for name, count in rows.items():
        grid.add_row(f"{name}.{format}", f"{count:,}")
    console.print(grid)
    console.print(f"{accounts} accounts x {months} months, seed {seed}, in {seconds:.1f} s.")
