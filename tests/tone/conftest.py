"""Fixtures for tone tests: a workspace holding accounts A1 and A2."""

from __future__ import annotations

import pytest
from tone_helpers import NOW, write_csv

from vigie.io import import_files
from vigie.workspace import Workspace


@pytest.fixture
def ws(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp("accounts")
    accounts = write_csv(
        folder / "accounts.csv", [("account_id", "name"), ("A1", "Acme"), ("A2", "Zeta")]
    )
    import_files(workspace, "accounts", [accounts], now=NOW)
    return workspace
