"""`vigie serve` and `vigie users add|list|remove|token`: the dashboard and who may use it."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from vigie.cli.app import (
    JsonOption,
    WorkspaceOption,
    app,
    console,
    err_console,
    open_workspace,
)
from vigie.errors import WebUserError
from vigie.web.users import ROLES, UserStore
from vigie.workspace import Workspace

users_app = typer.Typer(
    help="Web users (roles admin, csm, viewer) and their API tokens.", no_args_is_help=True
)
app.add_typer(users_app, name="users")


def _store(workspace: Path) -> UserStore:
    return UserStore(Workspace.open(workspace).root)


@app.command("serve")
def serve_cmd(
    workspace: WorkspaceOption = Path("."),
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Serve the dashboard and JSON API (OpenAPI at /docs) until Ctrl-C."""
    import uvicorn

    from vigie.web.app import create_app

    web = create_app(workspace)
    if not _store(workspace).list():
        console.print(
            "[yellow]No web user yet:[/] create one with `vigie users add NAME --role admin`."
        )
    console.print(f"Vigie dashboard on [bold]http://{host}:{port}[/] (Ctrl-C to stop)")
    uvicorn.run(web, host=host, port=port, log_level="warning")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "viewer",
    csm: Annotated[
        str | None, typer.Option(help="The accounts.csm value of this CSM's book.")
    ] = None,
    language: Annotated[str, typer.Option(help="en or fr.")] = "en",
    password: Annotated[
        str | None, typer.Option(envvar="VIGIE_PASSWORD", help="Asked for when not given.")
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Create a web user."""
    if password is None:
        password = getpass.getpass(f"Password for {username}: ")
        if getpass.getpass("Again: ") != password:
            raise WebUserError("The two passwords differ; nothing was created.")
    user = _store(workspace).add(username, password, role, csm, language)
    console.print(f"User [bold]{user.username}[/] created (role {user.role}).")
    if user.csm is not None:
        _warn_if_no_book(workspace, user.csm)


def _warn_if_no_book(workspace: Path, csm: str) -> None:
    """A CSM whose name no account carries sees an empty book without knowing why."""
    with open_workspace(workspace) as ws:
        accounts = ws.table("accounts")
        if accounts.filter(accounts.csm == csm).count().execute():
            return
        known = accounts.filter(accounts.csm.notnull()).select("csm").distinct().order_by("csm")
        names = known.csm.to_pyarrow().to_pylist()
    listed = ", ".join(names[:20]) or "none: import accounts with a csm column"
    err_console.print(
        f"[yellow]Warning:[/] no account has csm {csm!r}, so this user's book is empty. "
        f"The accounts' CSMs are: {escape(listed)}. Pass the exact one with --csm.",
        highlight=False,
    )


@users_app.command("list")
def users_list(workspace: WorkspaceOption = Path("."), as_json: JsonOption = False) -> None:
    """List web users and their roles."""
    users = _store(workspace).list()
    if as_json:
        print(json.dumps([u.__dict__ for u in users]))
        return
    table = Table("user", "role", "CSM book", "language")
    for u in users:
        table.add_row(u.username, u.role, u.csm or "", u.language)
    console.print(table)


@users_app.command("remove")
def users_remove(
    username: Annotated[str, typer.Argument()], workspace: WorkspaceOption = Path(".")
) -> None:
    """Delete a web user and their API tokens."""
    _store(workspace).remove(username)
    console.print(f"User {username} removed.")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument()],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Create an API token (shown once; only its hash is stored)."""
    print(_store(workspace).create_token(username, label))
