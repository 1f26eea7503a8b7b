"""The log of every import that wrote rows, from the CLI or the web.

The Data page shows each table's last import from it, so a team sees when
its data was last refreshed whichever way it came in.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any

import ibis
import pyarrow as pa

from vigie.io.insert import insert_arrow
from vigie.workspace import Workspace

IMPORT_LOG = "import_log"
SCHEMA = ibis.schema(
    {
        "table_name": "string",
        "mode": "string",
        "files": "string",
        "rows_read": "int64",
        "inserted": "int64",
        "updated": "int64",
        "deleted": "int64",
        "imported_at": "timestamp(6)",
        "author": "string",
    }
)


def record_import(workspace: Workspace, report: dict[str, Any], author: str | None) -> None:
    """Append one row for an import that wrote (`report` is `ImportReport.to_dict()`)."""
    row = {
        "table_name": report["table"],
        "mode": report["mode"],
        "files": ", ".join(report["files"]),
        "rows_read": report["rows_read"],
        "inserted": report["inserted"],
        "updated": report["updated"],
        "deleted": report["deleted"],
        "imported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "author": author or getpass.getuser(),
    }
    if IMPORT_LOG not in workspace.con.list_tables():
        workspace.con.create_table(IMPORT_LOG, schema=SCHEMA)
    insert_arrow(workspace.con, IMPORT_LOG, pa.Table.from_pylist([row], schema=SCHEMA.to_pyarrow()))


def last_imports(workspace: Workspace) -> dict[str, dict[str, Any]]:
    """Each table's latest import: when, who, mode, files and row counts."""
    if IMPORT_LOG not in workspace.con.list_tables():
        return {}
    log = workspace.con.table(IMPORT_LOG)
    newest = log.mutate(
        rank=ibis.row_number().over(group_by="table_name", order_by=ibis.desc("imported_at"))
    )
    rows = newest.filter(newest.rank == 0).drop("rank").to_pyarrow().to_pylist()
    return {row.pop("table_name"): row for row in rows}
