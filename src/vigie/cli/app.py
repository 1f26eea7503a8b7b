"""The Typer application and the options every command shares.

Commands live in one module per concern (`cli/workspace_cmds.py`, ...) and
stay thin: they parse options, call the library, and render with Rich.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from vigie.workspace import Workspace

app = typer.Typer(
    name="vigie",
    help="Customer health scores, signals and churn risk for Customer Success teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)

WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        envvar="VIGIE_WORKSPACE",
        help="Workspace folder (holds vigie.toml).",
        show_default="current directory",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def open_workspace(path: Path) -> Workspace:
    return Workspace.open(path)


def _cell(value: object) -> str:
    """Empty for missing values, thousands separators for amounts, two decimals for rates."""
    if value is None or (not isinstance(value, str | list) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
    return str(value)


def print_table(frame: pd.DataFrame, columns: list[str], title: str) -> None:
    """Rows of `frame` as a Rich table, for people."""
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col)
    for row in frame[columns].itertuples(index=False):
        table.add_row(*[_cell(v) for v in row])
    console.print(table)


def print_records(frame: pd.DataFrame) -> None:
    """Rows of `frame` as a JSON list of objects (dates in ISO), for scripts."""
    console.print_json(frame.to_json(orient="records", date_format="iso"))
