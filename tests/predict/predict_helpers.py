"""Helpers for prediction tests: hand-built rows typed by the canonical schema."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa

from vigie.schema import TABLES
from vigie.workspace import Workspace


def put(workspace: Workspace, table: str, rows: list[dict[str, Any]]) -> None:
    """Replace canonical `table` with `rows` (absent columns are NULL)."""
    schema = TABLES[table].ibis_schema().to_pyarrow()
    workspace.con.create_table(table, pa.Table.from_pylist(rows, schema=schema), overwrite=True)


def copy_book(book: Path, tmp_path: Path) -> Workspace:
    """A private copy of the session's small simulated book (tests may write to it)."""
    target = tmp_path / "book"
    shutil.copytree(book, target)
    return Workspace.open(target)
