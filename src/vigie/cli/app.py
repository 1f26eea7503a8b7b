"""The Typer application and the options every command shares.

Commands live in one module per concern (`cli/workspace_cmds.py`, ...) and
stay thin: they parse options, call the library, and render with Rich.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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
