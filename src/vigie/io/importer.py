"""`import_files`: read, validate and write files into one canonical table, all or nothing.

Files are staged in DuckDB as typed rows next to their original text, every
rule is checked on the staged rows, and only then are rows written, in one
transaction. On a DuckDB workspace the staging happens in the workspace's own
connection (TEMP tables, then INSERT ... SELECT), so nothing leaves the engine;
tables whose rules are all row-local first try the one-pass insert of
`vigie.io.direct`, which falls back here on any problem. Free text is scored
into the derived `texts` table by the writers (see `vigie.io.writers`).
On other backends (PostgreSQL, Spark) staging uses an in-memory DuckDB, the
keys needed for the checks are pulled from the workspace, and rows are
written through Ibis.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa

from vigie.errors import ImportModeError, ImportOptionError, ImportValidationError
from vigie.io import direct
from vigie.io.advice import (
    SUBSCRIPTION_SPANS,
    StoredPeriod,
    appended_again,
    appended_into_period,
    contacts_moved,
    currencies_mixed,
    dots_as_thousands,
    inclusive_end_dates,
    keys_differing_by_case,
    rows_in_period,
    status_without_end,
    stored_period,
    unknown_accounts_skipped,
)
from vigie.io.import_log import earlier_imports, file_digest, record_import
from vigie.io.mapping import load_mapping
from vigie.io.parsing import DateReading
from vigie.io.sources import ReadOptions
from vigie.io.sql import ident
from vigie.io.staging import Staging, materialized
from vigie.io.validation import KeyRelation, validate
from vigie.io.writers import (
    Counts,
    ImportMode,
    TextOptions,
    Writer,
    duckdb_writer,
    ibis_writer,
)
from vigie.schema import ColumnType, Table, get_table
from vigie.tone.scoring import ToneScorer
from vigie.tone.store import ensure_texts_table
from vigie.workspace import Workspace

__all__ = ["ImportMode", "ImportReport", "import_files"]


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    table: str
    mode: ImportMode
    files: tuple[str, ...]
    rows_read: int
    inserted: int
    skipped: int
    updated: int
    """Upsert: existing rows replaced by a row of the files."""
    deleted: int
    """Replace: rows removed before the files' rows were written."""
    skipped_unknown: int = 0
    """Rows left out for naming an account_id no account has (`skip_unknown_accounts`)."""
    ignored_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """File -> its columns that match nothing in the table and were not kept."""
    attribute_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """File -> its extra columns kept in the table's JSON attributes column."""
    seconds: float = 0.0
    dry_run: bool = False
    warnings: tuple[str, ...] = ()
    """Data that is valid but probably not meant the way Vigie reads it (see vigie.io.advice)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "mode": self.mode.value,
            "files": list(self.files),
            "rows_read": self.rows_read,
            "skipped": self.skipped,
            "skipped_unknown": self.skipped_unknown,
            "inserted": self.inserted,
            "updated": self.updated,
            "deleted": self.deleted,
            "ignored_columns": {k: list(v) for k, v in self.ignored_columns.items()},
            "attribute_columns": {k: list(v) for k, v in self.attribute_columns.items()},
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
            "warnings": list(self.warnings),
        }


def import_files(
    workspace: Workspace,
    table: str,
    paths: Sequence[Path | str],
    *,
    mode: ImportMode | str = ImportMode.APPEND,
    mapping: Path | str | None = None,
    date_format: str | None = None,
    timezone: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    skip_unknown_accounts: bool = False,
    keep_text: bool | None = None,
    author: str | None = None,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Import `paths` into `table`: every problem is reported and nothing written, or all is.

    `encoding` None reads UTF-8, or guesses (see `vigie.io.sources`). `timezone` (IANA) is
    that of timestamps written without an offset (None: UTC).
    `skip_unknown_accounts` leaves out (and counts) rows whose account_id no account has,
    instead of refusing them.
    `keep_text=False` (`--no-text`) stores free text as NULL, keeping only its scores;
    None follows the workspace's `[text] keep` setting. An import that writes is
    logged with its `author` (default: the OS user). `now` (UTC) is the moment
    "in the future" is judged against; tests inject it.
    """
    started = time.perf_counter()
    spec = get_table(table)
    mode = _mode(spec, mode)
    if skip_unknown_accounts and not _names_accounts(spec):
        raise ImportOptionError(
            f"--skip-unknown-accounts is for tables whose rows name an account; {spec.name} "
            "does not."
        )
    if not paths:
        raise ImportModeError("No file to import: give at least one FILE.")
    loaded = load_mapping(Path(mapping), spec) if mapping is not None else None
    dates = DateReading.checked(
        date_format or (loaded.date_format if loaded else None),
        timezone or (loaded.timezone if loaded else None),
    )
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    options = ReadOptions.checked(delimiter, encoding, sheet)
    files = [Path(p) for p in paths]
    texts = _text_options(workspace, spec, keep_text, dry_run)
    watch_overlap = mode == ImportMode.APPEND and not spec.primary_key and spec.time_column
    before = stored_period(workspace.table(spec.name), spec.time_column) if watch_overlap else None
    pending = _Pending(spec, mode, before, dry_run)
    if workspace.backend_name == "duckdb":
        con = workspace.con.con  # the DuckDB connection under Ibis: stage next to the tables
        counts = None
        filtered = bool(loaded and loaded.keep) or skip_unknown_accounts
        if direct.applies(spec, mode, dry_run, filtered=filtered):
            staging = Staging(con, spec, loaded, dates, options)
            counts = direct.insert_checked(staging, files, mode, moment, _local_table)
        if counts is None:  # a problem to report, or rules that span rows: stage first
            staging = Staging(con, spec, loaded, dates, options)
            write = duckdb_writer(texts)
            counts = _run(
                staging,
                files,
                mode,
                moment,
                _local_table,
                _transaction,
                write,
                dry_run,
                pending.inspect,
                skip_unknown_accounts,
            )
    else:
        with duckdb.connect() as con:
            staging = Staging(con, spec, loaded, dates, options)
            keys = _RemoteKeys(con, workspace).relation
            writer = ibis_writer(workspace, texts)
            counts = _run(
                staging,
                files,
                mode,
                moment,
                keys,
                _no_transaction,
                writer,
                dry_run,
                pending.inspect,
                skip_unknown_accounts,
            )
    inserted, updated, deleted = counts
    digests = {str(p): file_digest(p) for p in files}
    report = ImportReport(
        table=spec.name,
        mode=mode,
        files=tuple(str(p) for p in paths),
        rows_read=staging.rows_read,
        skipped=staging.skipped,
        skipped_unknown=staging.unknown_accounts.total(),
        inserted=inserted,
        updated=updated,
        deleted=deleted,
        ignored_columns=staging.extras if not spec.extra_columns_to else {},
        attribute_columns=staging.extras if spec.extra_columns_to else {},
        seconds=time.perf_counter() - started,
        dry_run=dry_run,
        warnings=(
            *(note for source in staging.sources for note in source.notes),
            *_advice(workspace, spec, mode, digests, pending, moment.date()),
            *currencies_mixed(spec.name, staging.currencies),
            *(
                dots_as_thousands(spec.name, staging.dot_groups, staging.dot_decimals)
                if not (loaded and loaded.decimal == ",")
                else ()
            ),
            *pending.warnings,
            *unknown_accounts_skipped(spec.name, staging.unknown_accounts),
        ),
    )
    if not dry_run:
        record_import(workspace, report.to_dict(), author, digests)
    return report


def _advice(
    workspace: Workspace,
    table: Table,
    mode: ImportMode,
    digests: dict[str, str],
    pending: _Pending,
    today: dt.date,
) -> tuple[str, ...]:
    """Warnings on what was (or, for a dry run, would be) written; see vigie.io.advice.

    A dry run writes nothing: what it would write is `pending`, read with what is stored."""
    found = []
    before = pending.before
    if mode == ImportMode.APPEND and not table.primary_key:
        again = appended_again(table.name, earlier_imports(workspace, table.name, digests))
        if again is None and before is not None and table.time_column:  # same file says more
            if pending.dry_run:
                added = pending.in_period
            else:
                stored = workspace.table(table.name)
                added = rows_in_period(stored, table.time_column, before) - before.rows
            again = appended_into_period(table.name, before, added, pending.dry_run)
        found.append(again)
    if table.name == "subscriptions":
        subs = workspace.table("subscriptions").select(*SUBSCRIPTION_SPANS)
        if pending.subscriptions is not None:
            new = ibis.memtable(pending.subscriptions)
            subs = new if mode == ImportMode.REPLACE else subs.union(new, distinct=True)
        found.append(inclusive_end_dates(subs))
        found.append(status_without_end(subs, today))
    return tuple(w for w in found if w)


class _Pending:
    """What the checked rows are about to change, read before they are written: for a dry
    run's advice, and contacts an upsert moves to another account."""

    def __init__(
        self, table: Table, mode: ImportMode, before: StoredPeriod | None, dry_run: bool
    ) -> None:
        self.table = table
        self.mode = mode
        self.before = before
        self.dry_run = dry_run
        self.subscriptions: pa.Table | None = None
        self.in_period = 0
        """Rows dated within the span the table already holds (`before`)."""
        self.warnings: list[str] = []

    def inspect(self, staging: Staging, existing: KeyRelation) -> None:
        key = self.table.primary_key
        if len(key) == 1 and self.table.column(key[0]).type == ColumnType.STRING:
            stored = None if self.mode == ImportMode.REPLACE else existing(self.table.name, key)
            if found := keys_differing_by_case(staging.con, staging.view, self.table, stored):
                self.warnings.append(found)
        if self.table.name == "contacts" and self.mode == ImportMode.UPSERT:
            moved = staging.con.execute(
                f"SELECT s.contact_id, e.account_id, s.account_id, count(*) OVER () "
                f"FROM {staging.view} s JOIN {existing('contacts', ('contact_id', 'account_id'))} e "
                "ON e.contact_id = s.contact_id AND e.account_id <> s.account_id LIMIT 1"
            ).fetchone()
            if moved:
                self.warnings.append(contacts_moved(*moved))
        if not self.dry_run:
            return
        if self.table.name == "subscriptions":
            spans = ", ".join(ident(c) for c in SUBSCRIPTION_SPANS)
            sql = f"SELECT {spans} FROM {staging.view}"
            self.subscriptions = staging.con.execute(sql).arrow().read_all()
        if self.before is not None and self.table.time_column:
            time = ident(self.table.time_column)
            row = staging.con.execute(
                f"SELECT count(*) FROM {staging.view} WHERE {time} BETWEEN ? AND ?",
                [self.before.first, self.before.last],
            ).fetchone()
            self.in_period = int(row[0]) if row else 0


def _text_options(
    workspace: Workspace, table: Table, keep_text: bool | None, dry_run: bool
) -> TextOptions:
    """Score free text only for tables that have some; `texts` is created before the import."""
    keep = workspace.keep_text if keep_text is None else keep_text
    if not any(c.free_text for c in table.columns):
        return TextOptions(None, keep)
    if not dry_run:
        ensure_texts_table(workspace)
    return TextOptions(ToneScorer.for_workspace(workspace.root), keep)


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
            "use --mode append (add rows), --mode replace-period (replace the days the file "
            "covers) or --mode replace (replace the table)."
        )
    if mode == ImportMode.REPLACE_PERIOD and (table.primary_key or not table.time_column):
        raise ImportModeError(
            f"--mode replace-period is for tables without a key (usage_events); {table.name} "
            "has one: use --mode upsert to replace the rows the file holds."
        )
    return mode


def _run(
    staging: Staging,
    files: list[Path],
    mode: ImportMode,
    now: dt.datetime,
    existing: KeyRelation,
    begin: Callable[[duckdb.DuckDBPyConnection], AbstractContextManager[Callable[[], None]]],
    write: Writer,
    dry_run: bool,
    keep: Callable[[Staging, KeyRelation], None] | None = None,
    skip_unknown_accounts: bool = False,
) -> Counts:
    """Stage (TEMP tables only), then check and write inside `begin`'s transaction; `keep`
    reads the checked rows (a dry run's advice)."""
    try:
        problems = staging.stage(files)
        with begin(staging.con) as commit:
            if skip_unknown_accounts:
                staging.skip_unknown_accounts(existing("accounts", ("account_id",)))
            found, total = validate(
                staging.con,
                staging.view,
                staging.table,
                staging.sources,
                existing=existing,
                mode=mode.value,
                dates=staging.dates,
                now=now,
            )
            if problems or found:
                order = {source.name: i for i, source in enumerate(staging.sources)}
                every = sorted(problems + found, key=lambda p: (order[p.file], p.line or 0))
                raise ImportValidationError(staging.table.name, every, total + len(problems))
            if keep is not None:
                keep(staging, existing)
            counts = write(staging, mode, existing, dry_run)
            if not dry_run:
                commit()
            return counts
    finally:
        staging.close()


def _names_accounts(table: Table) -> bool:
    """The table's rows belong to an account (every fact table; not accounts itself)."""
    return any(
        c.name == "account_id" and c.references == "accounts.account_id" for c in table.columns
    )


def _local_table(table: str, columns: tuple[str, ...]) -> str:
    """On a DuckDB workspace the checks read the table itself."""
    return ident(table)


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


class _RemoteKeys:
    """Key columns of workspace tables, copied once into the staging DuckDB for the checks."""

    def __init__(self, con: duckdb.DuckDBPyConnection, workspace: Workspace) -> None:
        self.con = con
        self.workspace = workspace
        self.copied: dict[tuple[str, tuple[str, ...]], str] = {}

    def relation(self, table: str, columns: tuple[str, ...]) -> str:
        if (table, columns) not in self.copied:
            keys = self.workspace.table(table).select(*columns).distinct().to_pyarrow()
            self.copied[table, columns] = ident(materialized(self.con, keys, "__vigie_keys_"))
        return self.copied[table, columns]
