"""A small scored demo workspace with three web users, and logged-in test clients."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers_web import ALICE_BOOK, PASSWORDS, TestClient, log_in

from vigie.demo import build_demo, weekly_dates
from vigie.engine.scoring import score
from vigie.scorecard import load_scorecard
from vigie.web.app import create_app
from vigie.web.users import UserStore

END = dt.date(2026, 6, 1)


@pytest.fixture(scope="session")
def scored_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 accounts, 6 months, scored weekly with saas-standard (built once per session)."""
    root = tmp_path_factory.mktemp("web") / "ws"
    demo = build_demo(root, accounts=40, months=6, seed=1, end=END)
    dates = weekly_dates(demo.start + dt.timedelta(days=90), demo.end)
    score(demo.workspace, load_scorecard("saas-standard"), dates)
    demo.workspace.close()
    users = UserStore(root)
    users.add("admin", PASSWORDS["admin"], "admin")
    users.add("alice", PASSWORDS["alice"], "csm", csm=ALICE_BOOK)
    users.add("victor", PASSWORDS["victor"], "viewer")
    return root


@pytest.fixture
def workspace_dir(scored_workspace: Path, tmp_path: Path) -> Path:
    """A private copy, for tests that write."""
    return Path(shutil.copytree(scored_workspace, tmp_path / "ws"))


@pytest.fixture
def client_for(scored_workspace: Path) -> Iterator[Callable[..., TestClient]]:
    """`client_for("alice")` logs alice in on the shared (read-only) workspace."""
    clients: list[TestClient] = []

    def make(username: str | None = None, root: Path = scored_workspace) -> TestClient:
        client = TestClient(create_app(root))
        clients.append(client)
        return log_in(client, username) if username else client

    yield make
    for client in clients:
        client.close()
