"""`vigie users add|list|remove|token` on a workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigie.cli import app
from vigie.errors import WebUserError
from vigie.web.users import UserStore
from vigie.workspace import Workspace


def test_users_commands(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace.init(root).close()
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["users", "add", "ana", "--role", "csm", "--csm", "Ana Lima", "-w", str(root)],
        env={"VIGIE_PASSWORD": "ana-password"},
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["users", "list", "--json", "-w", str(root)])
    assert json.loads(listed.output) == [
        {"username": "ana", "role": "csm", "csm": "Ana Lima", "language": "en"}
    ]
    token = runner.invoke(app, ["users", "token", "ana", "-w", str(root)]).output.strip()
    assert UserStore(root).user_for_token(token).username == "ana"
    again = runner.invoke(
        app, ["users", "add", "ana", "-w", str(root)], env={"VIGIE_PASSWORD": "ana-password"}
    )
    assert again.exit_code != 0 and "already exists" in str(again.exception)
    assert runner.invoke(app, ["users", "remove", "ana", "-w", str(root)]).exit_code == 0
    assert UserStore(root).user_for_token(token) is None


def test_a_csm_whose_name_no_account_carries_is_warned(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    with Workspace.init(root) as ws:
        ws.con.raw_sql("INSERT INTO accounts (account_id, name, csm) VALUES ('A', 'A', 'Ana Lima')")
    runner, env = CliRunner(), {"VIGIE_PASSWORD": "long-enough"}
    ghost = runner.invoke(app, ["users", "add", "ghost", "--role", "csm", "-w", str(root)], env=env)
    assert ghost.exit_code == 0, ghost.output
    said = " ".join(ghost.stderr.split())
    assert "no account has csm 'ghost'" in said and "The accounts' CSMs are: Ana Lima." in said
    ana = ["users", "add", "ana", "--role", "csm", "--csm", "Ana Lima", "-w", str(root)]
    assert "Warning" not in runner.invoke(app, ana, env=env).stderr


def test_user_names_ignore_case_and_a_damaged_store_says_so(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    Workspace.init(root).close()
    store = UserStore(root)
    store.add("alice", "long-enough", "viewer")
    with pytest.raises(WebUserError, match="'alice' already exists"):
        store.add("Alice", "long-enough", "viewer")
    (root / "web.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(WebUserError, match="cannot be used"):
        UserStore(root).list()
