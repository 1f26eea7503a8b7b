"""Writing staged rows into a workspace table, by import mode.

Both writers run only after validation found nothing, and return what they
did (or, for a dry run, would do) as (inserted, updated, deleted).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from enum import StrEnum

from vigie.io.sql import ident
from vigie.io.staging import Staging
from vigie.io.validation import KeyRelation
from vigie.workspace import Workspace

Counts = tuple[int, int, int]
"""(inserted, updated, deleted)"""
Writer = Callable[[Staging, "ImportMode", KeyRelation, bool], Counts]


class ImportMode(StrEnum):
    APPEND = "append"
    """Add the rows; a primary key already in the table is a problem."""
    REPLACE = "replace"
    """The table's content becomes the file(s)."""
    UPSERT = "upsert"
    """Rows whose primary key exists replace the old row; others are added."""


def _scalar(staging: Staging, sql: str) -> int:
    row = staging.con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _matched(staging: Staging, existing: KeyRelation) -> int:
    """Staged rows whose primary key is already in the table (the rows an upsert updates)."""
    key = staging.table.primary_key
    match = " AND ".join(f"e.{ident(c)} = s.{ident(c)}" for c in key)
    return _scalar(
        staging,
        f"SELECT count(*) FROM {staging.view} s WHERE EXISTS "
        f"(SELECT 1 FROM {existing(staging.table.name, key)} e WHERE {match})",
    )


def _columns(staging: Staging) -> str:
    return ", ".join(ident(c) for c in staging.table.column_names)


def write_duckdb(
    staging: Staging, mode: ImportMode, existing: KeyRelation, dry_run: bool
) -> Counts:
    """INSERT ... SELECT on the workspace's own DuckDB, inside the caller's transaction."""
    target = ident(staging.table.name)
    staged = staging.count()
    updated = deleted = 0
    if mode == ImportMode.REPLACE:
        deleted = _scalar(staging, f"SELECT count(*) FROM {target}")
        if not dry_run:
            staging.con.execute(f"DELETE FROM {target}")
    elif mode == ImportMode.UPSERT:
        updated = _matched(staging, existing)
        if not dry_run:
            match = " AND ".join(
                f"{target}.{ident(c)} = s.{ident(c)}" for c in staging.table.primary_key
            )
            staging.con.execute(f"DELETE FROM {target} USING {staging.view} s WHERE {match}")
    if not dry_run:
        columns = _columns(staging)
        staging.con.execute(
            f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {staging.view}"
        )
    return staged - updated, updated, deleted


def ibis_writer(workspace: Workspace) -> Writer:
    """A writer for other backends: Arrow from the staging DuckDB, written through Ibis."""

    def write(staging: Staging, mode: ImportMode, existing: KeyRelation, dry_run: bool) -> Counts:
        staged = staging.count()
        name = staging.table.name
        columns = _columns(staging)
        rows = f"SELECT {columns} FROM {staging.view}"
        updated = deleted = 0
        if mode == ImportMode.REPLACE:
            deleted = int(workspace.table(name).count().to_pyarrow().as_py())
        elif mode == ImportMode.UPSERT:
            updated = _matched(staging, existing)
            # Keep the current rows the files do not replace, then rewrite the table.
            current = "__vigie_current_" + uuid.uuid4().hex
            staging.con.register(current, workspace.table(name).to_pyarrow())
            match = " AND ".join(f"c.{ident(k)} = s.{ident(k)}" for k in staging.table.primary_key)
            rows = (
                f"SELECT {columns} FROM {ident(current)} c WHERE NOT EXISTS "
                f"(SELECT 1 FROM {staging.view} s WHERE {match}) UNION ALL {rows}"
            )
        if not dry_run:
            schema = staging.table.ibis_schema().to_pyarrow()
            data = staging.con.execute(rows).to_arrow_table().cast(schema)
            with _backend_transaction(workspace):
                workspace.con.insert(name, data, overwrite=mode != ImportMode.APPEND)
        return staged - updated, updated, deleted

    return write


@contextlib.contextmanager
def _backend_transaction(workspace: Workspace) -> Iterator[None]:
    """PostgreSQL: one transaction around truncate + insert. Spark has none to offer."""
    if workspace.backend_name == "postgres":
        with workspace.con.con.transaction():
            yield
    else:
        yield
