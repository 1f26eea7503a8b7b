"""`vigie` command line. User errors print as one paragraph with exit code 2."""

from __future__ import annotations

import sys

# Importing a module registers its commands on `app`.
from vigie.cli import (  # noqa: F401
    demo_cmd,
    import_cmd,
    predict_cmds,
    score_cmds,
    scorecard_cmds,
    signals_cmds,
    simulate_cmd,
    web_cmds,
    workspace_cmds,
)
from vigie.cli.app import app, err_console
from vigie.errors import VigieError


def main() -> None:
    try:
        app()
    except VigieError as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
