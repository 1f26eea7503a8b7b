"""The log of every import that wrote rows, from the CLI or the web.

The Data page shows each table's last import from it, so a team sees when
its data was last refreshed whichever way it came in. Each imported file's
SHA-256 is kept too (`import_files`), so appending the very same file again
can be flagged: in a table without a key it would duplicate every row.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from pathlib import Path
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


IMPORTED_FILES = "import_files"
FILES_SCHEMA = ibis.schema(
    {"table_name": "string", "file": "string", "sha256": "string", "imported_at": "timestamp(6)"}
)


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def earlier_imports(workspace: Workspace, table: str, digests: dict[str, str]) -> dict[str, Any]:
    """{file: when it was imported into `table` before} for the files whose bytes were."""
    if IMPORTED_FILES not in workspace.con.list_tables():
        return {}
    log = workspace.con.table(IMPORTED_FILES)
    known = log.filter(log.table_name == table, log.sha256.isin(sorted(set(digests.values()))))
    rows = known.group_by("sha256").agg(at=known.imported_at.max()).to_pyarrow().to_pylist()
    when = {r["sha256"]: r["at"] for r in rows}
    return {file: when[digest] for file, digest in digests.items() if digest in when}


def record_import(
    workspace: Workspace, report: dict[str, Any], author: str | None, digests: dict[str, str]
) -> None:
    """Append one row for an import that wrote (`report` is `ImportReport.to_dict()`), and one
    per file with its digest (`digests`: file -> SHA-256)."""
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
    files = [
        {"table_name": report["table"], "file": f, "sha256": d, "imported_at": row["imported_at"]}
        for f, d in digests.items()
    ]
    if IMPORTED_FILES not in workspace.con.list_tables():
        workspace.con.create_table(IMPORTED_FILES, schema=FILES_SCHEMA)
    insert_arrow(
        workspace.con, IMPORTED_FILES, pa.Table.from_pylist(files, schema=FILES_SCHEMA.to_pyarrow())
    )


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
