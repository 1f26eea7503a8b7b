"""Constants and helpers shared by the import tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from vigie.schema import TABLES
from vigie.workspace import Workspace

FILES = Path(__file__).parent / "files"
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def snapshot(workspace: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every canonical table's rows, to prove an import changed nothing."""
    con = workspace.con.con
    return {
        name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in TABLES
    }


def rows(workspace: Workspace, sql: str) -> list[tuple[Any, ...]]:
    return workspace.con.con.execute(sql).fetchall()
