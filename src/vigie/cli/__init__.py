"""`vigie` command line. User errors print as one paragraph with exit code 2."""

from __future__ import annotations

import sys

from rich.markup import escape

# Importing a module registers its commands on `app`.
from vigie.cli import (  # noqa: F401
    alert_cmds,
    demo_cmd,
    import_cmd,
    playbook_cmds,
    predict_cmds,
    score_cmds,
    scorecard_cmds,
    signals_cmds,
    simulate_cmd,
    tone_cmds,
    web_cmds,
    workspace_cmds,
)
from vigie.cli.app import app, err_console
from vigie.errors import VigieError


def main() -> None:
    try:
        app()
    except VigieError as exc:
        # The message is plain text: escape it so brackets in values are printed, not parsed.
        err_console.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(exc.exit_code)
