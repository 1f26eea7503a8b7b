"""The one-pass import: type, check and insert each file in a single statement.

A clean file is the common case, and staging it first costs a second copy of
every row. When every rule of a table can be judged on one row alone (no
primary key, no reference to itself), each file is inserted straight into the
workspace table by an INSERT whose filter raises as soon as a row breaks a rule
or names an unknown key. Any failure rolls the whole transaction back and
returns None: the caller then runs the staged import, which finds and words
every problem exactly as before. So this path only ever changes the speed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from vigie.io.sources import open_source
from vigie.io.sql import ident
from vigie.io.staging import Staging
from vigie.io.validation import KeyRelation, row_checks
from vigie.io.writers import Counts, ImportMode
from vigie.schema import Table


def applies(table: Table, mode: ImportMode, dry_run: bool, filtered: bool) -> bool:
    """Rules are row-local: no key to compare across rows, no reference into the import;
    and no rows to skip (`filtered`: a mapping's `where`), which staging counts.

    Tables with free text always take the staged path, whose writer also scores
    the text into `texts` (today every such table has a primary key anyway).
    """
    self_reference = any(
        c.references is not None and c.references.split(".")[0] == table.name for c in table.columns
    )
    free_text = any(c.free_text for c in table.columns)
    return not (
        table.primary_key or self_reference or free_text or dry_run or filtered
    ) and mode in (ImportMode.APPEND, ImportMode.REPLACE)


def _broken(staging: Staging, now: dt.datetime, existing: KeyRelation) -> str:
    """SQL true when a staged row breaks any rule; references use a semi-join on the keys."""
    conditions = [c.condition for c in row_checks(staging.table, staging.dates, now)]
    for column in staging.table.columns:
        if column.references is not None:
            target, key = column.references.split(".")
            keys = f"SELECT {ident(key)} FROM {existing(target, (key,))} WHERE {ident(key)} IS NOT NULL"
            c = ident(column.name)
            conditions.append(f"{c} IS NOT NULL AND {c} NOT IN ({keys})")
    return " OR ".join(f"({c})" for c in conditions) or "false"


def insert_checked(
    staging: Staging,
    paths: list[Path],
    mode: ImportMode,
    now: dt.datetime,
    existing: KeyRelation,
) -> Counts | None:
    """Insert every file in one transaction; None (nothing written) if anything is wrong."""
    con = staging.con
    target = ident(staging.table.name)
    columns = ", ".join(ident(c) for c in staging.table.column_names)
    broken = _broken(staging, now, existing)
    committed = False
    con.execute("BEGIN TRANSACTION")
    try:
        deleted = 0
        if mode == ImportMode.REPLACE:
            row = con.execute(f"SELECT count(*) FROM {target}").fetchone()
            deleted = int(row[0]) if row else 0
            con.execute(f"DELETE FROM {target}")
        inserted = 0
        for path in paths:
            source = open_source(con, path, staging.options)
            staging.sources.append(source)
            if source.problems:
                return None
            select, missing = staging.select(source)
            if missing:
                return None
            row = con.execute(
                f"INSERT INTO {target} ({columns}) SELECT {columns} FROM ({select}) "
                f"WHERE CASE WHEN {broken} THEN error('vigie: a row breaks a rule') ELSE true END"
            ).fetchone()
            if source.structural_problems(con):
                return None
            inserted += int(row[0]) if row else 0
        con.execute("COMMIT")
        committed = True
        staging.rows_read = inserted
        return inserted, 0, deleted
    except duckdb.Error:
        return None
    finally:
        if not committed:
            con.execute("ROLLBACK")
        staging.close()
