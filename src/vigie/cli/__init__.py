"""`vigie` command line. User errors print as one paragraph with exit code 2."""

from __future__ import annotations

import sys

from vigie.cli import workspace_cmds  # noqa: F401  (registers commands)
from vigie.cli.app import app, err_console
from vigie.errors import VigieError


def main() -> None:
    try:
        app()
    except VigieError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
