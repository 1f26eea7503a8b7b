"""`import_files`: read, validate and write files into one canonical table, all or nothing.

Files are staged in DuckDB as typed rows next to their original text, every
rule is checked on the staged rows, and only then are rows written, in one
transaction. On a DuckDB workspace the staging happens in the workspace's own
connection (TEMP tables, then INSERT ... SELECT), so nothing leaves the engine.
On other backends (PostgreSQL, Spark) staging uses an in-memory DuckDB, the
keys needed for the checks are pulled from the workspace, and rows are
written through Ibis.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from vigie.errors import ImportModeError, ImportValidationError, MappingError, Problem
from vigie.io.mapping import Mapping, load_mapping, plan_columns
from vigie.io.parsing import duckdb_type, typed
from vigie.io.sources import ROW, ReadOptions, Source, open_source
from vigie.io.sql import ident
from vigie.io.validation import FILE, TEXT_TYPES, KeyRelation, raw_name, validate
from vigie.schema import Table, get_table
from vigie.workspace import Workspace


class ImportMode(StrEnum):
    APPEND = "append"
    """Add the rows; a primary key already in the table is a problem."""
    REPLACE = "replace"
    """The table's content becomes the file(s)."""
    UPSERT = "upsert"
    """Rows whose primary key exists replace the old row; others are added."""


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    table: str
    mode: ImportMode
    files: tuple[str, ...]
    rows_read: int
    inserted: int
    updated: int
    """Upsert: existing rows replaced by a row of the files."""
    deleted: int
    """Replace: rows removed before the files' rows were written."""
    ignored_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """File -> its columns that match nothing in the table and were not kept."""
    attribute_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """File -> its extra columns kept in the table's JSON attributes column."""
    seconds: float = 0.0
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "mode": self.mode.value,
            "files": list(self.files),
            "rows_read": self.rows_read,
            "inserted": self.inserted,
            "updated": self.updated,
            "deleted": self.deleted,
            "ignored_columns": {k: list(v) for k, v in self.ignored_columns.items()},
            "attribute_columns": {k: list(v) for k, v in self.attribute_columns.items()},
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
        }


def import_files(
    workspace: Workspace,
    table: str,
    paths: Sequence[Path | str],
    *,
    mode: ImportMode | str = ImportMode.APPEND,
    mapping: Path | str | None = None,
    date_format: str | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    sheet: str | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Import `paths` into `table`: every problem is reported and nothing written, or all is.

    `now` (UTC) is the moment "in the future" is judged against; tests inject it.
    """
    started = time.perf_counter()
    spec = get_table(table)
    mode = _mode(spec, mode)
    if not paths:
        raise ImportModeError("No file to import: give at least one FILE.")
    loaded = load_mapping(Path(mapping), spec) if mapping is not None else None
    date_format = date_format or (loaded.date_format if loaded else None)
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    options = ReadOptions(delimiter, encoding, sheet)
    paths = [Path(p) for p in paths]
    if workspace.backend_name == "duckdb":
        con = workspace.con.con  # the DuckDB connection under Ibis: stage next to the tables
        session = _Session(con, spec, mode, paths, options, loaded, date_format)
        counts = session.run(
            moment,
            existing=_local_table,
            begin=_transaction,
            dry_run=dry_run,
            write=_write_duckdb,
        )
    else:
        with duckdb.connect() as con:
            session = _Session(con, spec, mode, paths, options, loaded, date_format)
            keys = _RemoteKeys(con, workspace)
            counts = session.run(
                moment,
                existing=keys.relation,
                begin=_no_transaction,
                dry_run=dry_run,
                write=_writer_for(workspace),
            )
    inserted, updated, deleted = counts
    return ImportReport(
        table=spec.name,
        mode=mode,
        files=tuple(str(p) for p in paths),
        rows_read=session.rows_read,
        inserted=inserted,
        updated=updated,
        deleted=deleted,
        ignored_columns=session.ignored if not spec.extra_columns_to else {},
        attribute_columns=session.ignored if spec.extra_columns_to else {},
        seconds=time.perf_counter() - started,
        dry_run=dry_run,
    )


def _mode(table: Table, mode: ImportMode | str) -> ImportMode:
    try:
        mode = ImportMode(mode)
    except ValueError:
        raise ImportModeError(
            f"Unknown import mode {mode!r}; use one of: {', '.join(m.value for m in ImportMode)}."
        ) from None
    if mode == ImportMode.UPSERT and not table.primary_key:
        raise ImportModeError(
            f"{table.name} has no primary key, so upsert cannot match rows; "
            "use --mode append (add rows) or --mode replace (replace the table)."
        )
    return mode


@contextlib.contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[Any]:
    """One DuckDB transaction for checks and writes, rolled back unless `commit()` is called."""
    committed = False

    def commit() -> None:
        nonlocal committed
        con.execute("COMMIT")
        committed = True

    con.execute("BEGIN TRANSACTION")
    try:
        yield commit
    finally:
        if not committed:
            con.execute("ROLLBACK")


@contextlib.contextmanager
def _no_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[Any]:
    """The in-memory staging DuckDB of another backend: its writes go through Ibis."""
    yield lambda: None


Counts = tuple[int, int, int]
"""(inserted, updated, deleted)"""


class _Session:
    """The staging of one import on one DuckDB connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        table: Table,
        mode: ImportMode,
        paths: list[Path],
        options: ReadOptions,
        mapping: Mapping | None,
        date_format: str | None,
    ) -> None:
        self.con = con
        self.table = table
        self.mode = mode
        self.paths = paths
        self.options = options
        self.mapping = mapping
        self.date_format = date_format
        self.stage = "__vigie_stage_" + uuid.uuid4().hex
        self.rows_read = 0
        self.ignored: dict[str, tuple[str, ...]] = {}

    def run(
        self, now: dt.datetime, *, existing: KeyRelation, begin: Any, dry_run: bool, write: Any
    ) -> Counts:
        """Stage (TEMP tables only), then check and write inside `begin`'s transaction."""
        sources: list[Source] = []
        try:
            problems = self._stage(sources)
            with begin(self.con) as commit:
                found, total = validate(
                    self.con,
                    self.stage,
                    self.table,
                    sources,
                    existing=existing,
                    mode=self.mode.value,
                    date_format=self.date_format,
                    now=now,
                )
                if problems or found:
                    raise ImportValidationError(
                        self.table.name, problems + found, total + len(problems)
                    )
                counts = write(self, existing, dry_run)
                if not dry_run:
                    commit()
                return counts
        finally:
            self.con.execute(f"DROP TABLE IF EXISTS {self.stage}")
            for source in sources:
                source.close(self.con)

    def _stage(self, sources: list[Source]) -> list[Problem]:
        """Stage every readable file; return the file-level problems."""
        columns = ", ".join(
            f"{ident(c.name)} {duckdb_type(c)}"
            + ("" if c.type in TEXT_TYPES else f", {ident(raw_name(c))} VARCHAR")
            for c in self.table.columns
        )
        self.con.execute(
            f"CREATE TEMP TABLE {self.stage} ({FILE} INTEGER, {ROW} BIGINT, {columns})"
        )
        problems: list[Problem] = []
        for path in self.paths:
            source = open_source(self.con, path, self.options)
            sources.append(source)
            problems += source.problems
            if not source.problems:
                problems += self._stage_file(len(sources) - 1, source)
        return problems

    def _stage_file(self, index: int, source: Source) -> list[Problem]:
        plan = plan_columns(self.table, source.columns, source.name, self.mapping)
        if plan.extras:
            self.ignored[source.name] = plan.extras
        if plan.missing_required:
            return [
                Problem(
                    source.name,
                    None,
                    name,
                    None,
                    "missing required column; the file's columns are: " + ", ".join(source.columns),
                )
                for name in plan.missing_required
            ]
        inner = ", ".join(
            f"{plan.raw.get(c.name, 'NULL')} AS {ident(raw_name(c))}" for c in self.table.columns
        )
        outer = ", ".join(
            f"{typed(c, ident(raw_name(c)), self.date_format)} AS {ident(c.name)}"
            + ("" if c.type in TEXT_TYPES else f", {ident(raw_name(c))}")
            for c in self.table.columns
        )
        try:
            self.con.execute(
                f"INSERT INTO {self.stage} SELECT {FILE}, {ROW}, {outer} FROM "
                f"(SELECT {index} AS {FILE}, {ROW}, {inner} FROM {source.relation})"
            )
        except duckdb.Error as exc:
            if self.mapping is not None and isinstance(exc, duckdb.BinderException):
                raise MappingError(
                    f"{self.mapping.path}: an expr cannot be computed on {source.name}: {exc}"
                ) from None
            return [Problem(source.name, None, None, None, f"cannot read the file: {exc}")]
        structural = source.structural_problems(self.con)
        count = self.con.execute(
            f"SELECT count(*) FROM {self.stage} WHERE {FILE} = {index}"
        ).fetchone()
        self.rows_read += (count[0] if count else 0) + len(structural)
        if structural:  # later line numbers of this file would be off: report these first
            self.con.execute(f"DELETE FROM {self.stage} WHERE {FILE} = {index}")
        return structural

    def columns_sql(self) -> str:
        return ", ".join(ident(c) for c in self.table.column_names)

    def scalar(self, sql: str) -> int:
        row = self.con.execute(sql).fetchone()
        return int(row[0]) if row else 0

    def matched_existing(self, existing: KeyRelation) -> int:
        """Staged rows whose primary key is already in the table."""
        key = self.table.primary_key
        match = " AND ".join(f"e.{ident(c)} = s.{ident(c)}" for c in key)
        return self.scalar(
            f"SELECT count(*) FROM {self.stage} s WHERE EXISTS "
            f"(SELECT 1 FROM {existing(self.table.name, key)} e WHERE {match})"
        )


def _local_table(table: str, columns: tuple[str, ...]) -> str:
    """On a DuckDB workspace the checks read the table itself."""
    return ident(table)


def _write_duckdb(session: _Session, existing: KeyRelation, dry_run: bool) -> Counts:
    """Write inside the caller's transaction on the workspace's own DuckDB connection."""
    target = ident(session.table.name)
    staged = session.scalar(f"SELECT count(*) FROM {session.stage}")
    updated = deleted = 0
    if session.mode == ImportMode.REPLACE:
        deleted = session.scalar(f"SELECT count(*) FROM {target}")
        if not dry_run:
            session.con.execute(f"DELETE FROM {target}")
    elif session.mode == ImportMode.UPSERT:
        updated = session.matched_existing(existing)
        if not dry_run:
            match = " AND ".join(
                f"{target}.{ident(c)} = s.{ident(c)}" for c in session.table.primary_key
            )
            session.con.execute(f"DELETE FROM {target} USING {session.stage} s WHERE {match}")
    if not dry_run:
        columns = session.columns_sql()
        session.con.execute(
            f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {session.stage}"
        )
    return staged - updated, updated, deleted


class _RemoteKeys:
    """Key columns of workspace tables, copied once into the staging DuckDB for the checks."""

    def __init__(self, con: duckdb.DuckDBPyConnection, workspace: Workspace) -> None:
        self.con = con
        self.workspace = workspace
        self.copied: dict[tuple[str, tuple[str, ...]], str] = {}

    def relation(self, table: str, columns: tuple[str, ...]) -> str:
        if (table, columns) not in self.copied:
            name = "__vigie_keys_" + uuid.uuid4().hex
            keys = self.workspace.table(table).select(*columns).distinct().to_pyarrow()
            self.con.register(name, keys)
            self.copied[table, columns] = ident(name)
        return self.copied[table, columns]


def _writer_for(workspace: Workspace) -> Any:
    def write(session: _Session, existing: KeyRelation, dry_run: bool) -> Counts:
        """Write through Ibis; on PostgreSQL inside one transaction."""
        staged = session.scalar(f"SELECT count(*) FROM {session.stage}")
        name = session.table.name
        columns = session.columns_sql()
        rows = f"SELECT {columns} FROM {session.stage}"
        updated = deleted = 0
        if session.mode == ImportMode.REPLACE:
            deleted = workspace.table(name).count().to_pyarrow().as_py()
        elif session.mode == ImportMode.UPSERT:
            updated = session.matched_existing(existing)
            # Keep the current rows the files do not replace, then rewrite the table.
            current = "__vigie_current_" + uuid.uuid4().hex
            session.con.register(current, workspace.table(name).to_pyarrow())
            match = " AND ".join(f"c.{ident(k)} = s.{ident(k)}" for k in session.table.primary_key)
            rows = (
                f"SELECT {columns} FROM {ident(current)} c WHERE NOT EXISTS "
                f"(SELECT 1 FROM {session.stage} s WHERE {match}) UNION ALL {rows}"
            )
        if dry_run:
            return staged - updated, updated, deleted
        data = session.con.execute(rows).to_arrow_table().cast(_arrow_schema(session.table))
        with _backend_transaction(workspace):
            workspace.con.insert(name, data, overwrite=session.mode != ImportMode.APPEND)
        return staged - updated, updated, deleted

    return write


def _arrow_schema(table: Table) -> pa.Schema:
    return table.ibis_schema().to_pyarrow()


@contextlib.contextmanager
def _backend_transaction(workspace: Workspace) -> Iterator[None]:
    """PostgreSQL: one transaction around truncate + insert. Spark has none to offer."""
    if workspace.backend_name == "postgres":
        with workspace.con.con.transaction():
            yield
    else:
        yield
