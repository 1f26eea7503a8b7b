"""Writing staged rows into a workspace table, by import mode.

Both writers run only after validation found nothing, and return what they
did (or, for a dry run, would do) as (inserted, updated, deleted). A table
with free-text columns also gets its rows in the derived `texts` table
(language, tone, churn-intent phrases; see vigie.tone): on DuckDB in the same
transaction as the source rows, elsewhere through Ibis right after them. When
text is not kept (`--no-text`), the free-text columns are written as NULL and
only the scores reach `texts`.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

import pyarrow as pa

from vigie.io.replace import copy_rows
from vigie.io.sql import ident, literal
from vigie.io.staging import Staging, materialized
from vigie.io.validation import KeyRelation
from vigie.schema import ColumnType
from vigie.tone.rows import SOURCES, raw_texts, text_ids_sql, text_rows
from vigie.tone.scoring import ToneScorer
from vigie.tone.store import TEXTS_SCHEMA, TEXTS_TABLE
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
    REPLACE_PERIOD = "replace-period"
    """Rows dated within the days the files cover (UTC, first to last day) are replaced by the
    files' rows; other rows stay. For a table without a key (`usage_events`): reloading an
    export that overlaps an earlier one does not count the overlap twice."""


@dataclass(frozen=True)
class TextOptions:
    """How an import treats free text: score it with `scorer` (None: the table has none)."""

    scorer: ToneScorer | None
    keep: bool = True
    """False: free-text columns and excerpts are stored as NULL; only the scores are kept."""


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


def _values(staging: Staging, texts: TextOptions, prefix: str = "") -> list[str]:
    """The staged columns to write (`prefix` qualifies them), free text as NULL when it is
    not kept, each named as its column."""
    return [
        f"{'NULL' if c.free_text and not texts.keep else prefix + ident(c.name)} AS {ident(c.name)}"
        for c in staging.table.columns
    ]


def _upserted(staging: Staging, texts: TextOptions, stored: str) -> str:
    """The staged rows as an upsert writes them: a column no file gives keeps the stored
    row's value (new rows take the staged NULL or default)."""
    key = staging.table.primary_key
    on = " AND ".join(f"e.{ident(c)} = s.{ident(c)}" for c in key)
    kept = set(staging.kept)
    values = [
        f"CASE WHEN e.{ident(key[0])} IS NULL THEN s.{ident(c.name)} ELSE e.{ident(c.name)} END"
        f" AS {ident(c.name)}"
        if c.name in kept
        else value
        for c, value in zip(staging.table.columns, _values(staging, texts, "s."), strict=True)
    ]
    return f"SELECT {', '.join(values)} FROM {staging.view} s LEFT JOIN {stored} e ON {on}"


def _in_period(staging: Staging) -> str:
    """SQL condition on a stored row: dated from the staged rows' earliest moment to their
    latest, both included. Not whole days: an export cut at midnight in another timezone
    (08:00 UTC for Los Angeles) would remove the stored hours of its first and last UTC days
    that it does not hold."""
    column = staging.table.column(staging.table.time_column or "")
    time = ident(column.name)
    bounds = f"SELECT min({time})::VARCHAR, max({time})::VARCHAR FROM {staging.view}"
    first, last = staging.con.execute(bounds).fetchone() or (None, None)
    if first is None:
        return "false"
    kind = "TIMESTAMP" if column.type == ColumnType.TIMESTAMP else "DATE"
    return f"{time} BETWEEN {kind} {literal(first)} AND {kind} {literal(last)}"


def _text_rows(staging: Staging, texts: TextOptions, mode: ImportMode) -> pa.Table | None:
    """The staged rows' `texts` rows, scored; None when the table has no free text, or when
    an upsert gives none of it (the rows it updates keep their text, and its tone)."""
    free_text = [c.name for c in staging.table.columns if c.free_text]
    if texts.scorer is None or (mode == ImportMode.UPSERT and set(free_text) <= set(staging.kept)):
        return None
    raw = raw_texts(staging.con, staging.table.name, staging.view)
    return text_rows(raw, texts.scorer, texts.keep)


def _stale_texts(staging: Staging, mode: ImportMode) -> str:
    """SQL condition on `texts` rows this import replaces: the whole source, or the staged keys."""
    if mode == ImportMode.REPLACE:
        return f"source = {literal(SOURCES[staging.table.name].source)}"
    return f"text_id IN ({text_ids_sql(staging.table.name, staging.view)})"


def duckdb_writer(texts: TextOptions) -> Writer:
    """INSERT ... SELECT on the workspace's own DuckDB, inside the caller's transaction."""

    def write(staging: Staging, mode: ImportMode, existing: KeyRelation, dry_run: bool) -> Counts:
        target = ident(staging.table.name)
        staged = staging.count()
        updated = deleted = 0
        rows = f"SELECT {', '.join(_values(staging, texts))} FROM {staging.view}"
        if mode == ImportMode.REPLACE:
            deleted = _scalar(staging, f"SELECT count(*) FROM {target}")
            if not dry_run:
                staging.con.execute(f"DELETE FROM {target}")
        elif mode == ImportMode.UPSERT:
            updated = _matched(staging, existing)
            if not dry_run:
                merged = staging.view + "_upserted"  # read before the stored rows go
                staging.con.execute(
                    f"CREATE TEMP TABLE {merged} AS {_upserted(staging, texts, target)}"
                )
                rows = f"SELECT * FROM {merged}"
                match = " AND ".join(
                    f"{target}.{ident(c)} = s.{ident(c)}" for c in staging.table.primary_key
                )
                staging.con.execute(f"DELETE FROM {target} USING {staging.view} s WHERE {match}")
        elif mode == ImportMode.REPLACE_PERIOD:
            period = _in_period(staging)
            deleted = _scalar(staging, f"SELECT count(*) FROM {target} WHERE {period}")
            if not dry_run:
                staging.con.execute(f"DELETE FROM {target} WHERE {period}")
        if not dry_run:
            staging.con.execute(f"INSERT INTO {target} ({_columns(staging)}) {rows}")
            staging.con.execute(f"DROP TABLE IF EXISTS {staging.view}_upserted")
            rows = _text_rows(staging, texts, mode)
            if rows is not None:
                _write_texts_duckdb(staging, mode, rows)
        return staged - updated, updated, deleted

    return write


def _write_texts_duckdb(staging: Staging, mode: ImportMode, rows: pa.Table) -> None:
    """Replace the texts of the imported rows, in the import's transaction."""
    name = "__vigie_texts_" + uuid.uuid4().hex
    staging.con.register(name, rows)
    try:
        staging.con.execute(f"DELETE FROM {TEXTS_TABLE} WHERE {_stale_texts(staging, mode)}")
        columns = ", ".join(ident(c) for c in TEXTS_SCHEMA.names)
        staging.con.execute(
            f"INSERT INTO {TEXTS_TABLE} ({columns}) SELECT {columns} FROM {ident(name)}"
        )
    finally:
        staging.con.unregister(name)


def ibis_writer(workspace: Workspace, texts: TextOptions) -> Writer:
    """A writer for other backends: Arrow from the staging DuckDB, written through Ibis."""

    def write(staging: Staging, mode: ImportMode, existing: KeyRelation, dry_run: bool) -> Counts:
        staged = staging.count()
        name = staging.table.name
        columns = _columns(staging)
        rows = f"SELECT {', '.join(_values(staging, texts))} FROM {staging.view}"
        updated = deleted = 0
        if mode == ImportMode.REPLACE:
            deleted = int(workspace.table(name).count().to_pyarrow().as_py())
        elif mode in (ImportMode.UPSERT, ImportMode.REPLACE_PERIOD):
            # Keep the current rows the files do not replace, then rewrite the table.
            stored = workspace.table(name).to_pyarrow()
            current = materialized(staging.con, stored, "__vigie_current_")
            if mode == ImportMode.UPSERT:
                rows = _upserted(staging, texts, ident(current))
                updated = _matched(staging, existing)
                match = " AND ".join(
                    f"c.{ident(k)} = s.{ident(k)}" for k in staging.table.primary_key
                )
                replaced = f"EXISTS (SELECT 1 FROM {staging.view} s WHERE {match})"
            else:
                replaced = _in_period(staging)
                deleted = _scalar(
                    staging, f"SELECT count(*) FROM {ident(current)} WHERE {replaced}"
                )
            rows = (
                f"SELECT {columns} FROM {ident(current)} c WHERE NOT ({replaced}) UNION ALL {rows}"
            )
        if not dry_run:
            schema = staging.table.ibis_schema().to_pyarrow()
            data = staging.con.execute(rows).to_arrow_table().cast(schema)
            _write_rows(workspace, name, data, overwrite=mode != ImportMode.APPEND)
            scored = _text_rows(staging, texts, mode)
            if scored is not None:
                _write_texts_ibis(workspace, staging, mode, scored)
        return staged - updated, updated, deleted

    return write


def _write_texts_ibis(
    workspace: Workspace, staging: Staging, mode: ImportMode, rows: pa.Table
) -> None:
    """Rewrite `texts` through Ibis: the rows this import does not replace, then its own."""
    stored = workspace.con.table(TEXTS_TABLE).to_pyarrow()
    current = materialized(staging.con, stored, "__vigie_texts_")
    new = materialized(staging.con, rows, "__vigie_new_texts_")
    columns = ", ".join(ident(c) for c in TEXTS_SCHEMA.names)
    data = (
        staging.con.execute(
            f"SELECT {columns} FROM {ident(current)} WHERE NOT ({_stale_texts(staging, mode)}) "
            f"UNION ALL SELECT {columns} FROM {ident(new)}"
        )
        .to_arrow_table()
        .cast(TEXTS_SCHEMA.to_pyarrow())
    )
    with _backend_transaction(workspace):
        workspace.con.insert(TEXTS_TABLE, data, overwrite=True)


def _write_rows(workspace: Workspace, name: str, data: pa.Table, overwrite: bool) -> None:
    """Through Ibis; on PostgreSQL with COPY in one transaction (Ibis inserts row by row)."""
    flat = not any(pa.types.is_list(t) for t in data.schema.types)
    if workspace.backend_name != "postgres" or not flat:
        with _backend_transaction(workspace):
            workspace.con.insert(name, data, overwrite=overwrite)
        return
    raw = workspace.con.con
    with raw.transaction(), raw.cursor() as cursor:
        if overwrite:
            cursor.execute(f"DELETE FROM {ident(name)}")
        copy_rows(cursor, name, data)


@contextlib.contextmanager
def _backend_transaction(workspace: Workspace) -> Iterator[None]:
    """PostgreSQL: one transaction around truncate + insert. Spark has none to offer."""
    if workspace.backend_name == "postgres":
        with workspace.con.con.transaction():
            yield
    else:
        yield
