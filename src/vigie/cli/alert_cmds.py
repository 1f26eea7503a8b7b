"""`vigie alerts run|test`: thin doors to vigie.alerts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from vigie.alerts.config import load_alert_config
from vigie.alerts.deliver import run_alerts, send_test
from vigie.cli.app import (
    JsonOption,
    WorkspaceOption,
    app,
    as_of_date,
    console,
    open_workspace,
    print_records,
)

alerts_app = typer.Typer(help="Alerts to CSMs by webhook and email.", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help="Alert YAML (default: <workspace>/alerts.yaml, else bundled)."),
]


def _config_path(workspace: Path, config: Path | None) -> Path | None:
    if config is not None:
        return config
    local = workspace / "alerts.yaml"
    return local if local.is_file() else None


@alerts_app.command("run")
def run_cmd(
    workspace: WorkspaceOption = Path("."),
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Default: today (UTC)."),
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Send new alerts (one digest per CSM and channel) and retry earlier failures."""
    settings = load_alert_config(_config_path(workspace, config))
    ws = open_workspace(workspace)
    day = as_of_date(as_of)
    rows = run_alerts(ws, day, settings)
    failed = rows[rows["status"] == "failed"]
    if as_json:
        print_records(rows)
    else:
        sent = int((rows["status"] == "sent").sum())
        console.print(f"{sent} alert(s) delivered, {len(failed)} failed (retried next run).")
        for row in failed.drop_duplicates(["channel", "recipient"]).itertuples():
            console.print(f"  {row.channel} -> {row.recipient}: {row.last_error}", highlight=False)
    if not failed.empty:  # a scheduled run must notice that alerts did not go out
        raise typer.Exit(1)


@alerts_app.command("test")
def test_cmd(
    channel: Annotated[str, typer.Argument(help="webhook or email.")],
    workspace: WorkspaceOption = Path("."),
    config: ConfigOption = None,
    to: Annotated[str | None, typer.Option("--to", help="Email address for the test.")] = None,
) -> None:
    """Send one test message through a channel."""
    settings = load_alert_config(_config_path(workspace, config))
    where = send_test(settings, channel, to)
    console.print(f"Test message sent by {channel} to {where}.")
