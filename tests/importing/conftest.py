"""Fixtures for import tests: a workspace holding three accounts."""

from __future__ import annotations

import pytest
from helpers_import import FILES, NOW

from vigie.io import import_files
from vigie.workspace import Workspace


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    """A workspace with accounts A1, A2, A3 (files/accounts.csv)."""
    import_files(workspace, "accounts", [FILES / "accounts.csv"], now=NOW)
    return workspace
