"""Helpers for prediction tests: hand-built rows typed by the canonical schema."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from vigie.schema import TABLES
from vigie.workspace import Workspace


def put(workspace: Workspace, table: str, rows: list[dict[str, Any]]) -> None:
    """Replace canonical `table` with `rows` (absent columns are NULL)."""
    schema = TABLES[table].ibis_schema().to_pyarrow()
    workspace.con.create_table(table, pa.Table.from_pylist(rows, schema=schema), overwrite=True)
