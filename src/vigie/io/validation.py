"""Every rule of the canonical schema, checked on the staged rows with set-based queries.

Each rule is one SQL condition over the staging table. One aggregate query
counts the rows breaking each rule; only rules that fail fetch example rows
(at most MAX_PER_CHECK each), so a clean 10-million-row file costs one scan
plus one anti-join per foreign key.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from vigie.errors import Problem
from vigie.io.parsing import DateReading, expected
from vigie.io.sources import ROW, Source
from vigie.io.sql import ident, literal, literal_list
from vigie.schema import TABLES, Column, ColumnType, Table

FILE = "__file"
MAX_PER_CHECK = 1000
TEXT_TYPES = (ColumnType.STRING, ColumnType.JSON)
EARLIEST_YEAR = 1900
"""Dates before it are typing accidents (11/23/26 read with %m/%d/%Y is the year 26), not facts."""

KeyRelation = Callable[[str, tuple[str, ...]], str]
"""(table, columns) -> SQL relation of those columns of the existing workspace table."""


def raw_name(column: Column) -> str:
    """The staging column holding a typed column's original text (text columns are their own)."""
    return column.name if column.type in TEXT_TYPES else f"__raw_{column.name}"


@dataclass(frozen=True)
class Check:
    column: str
    condition: str
    value: str
    reason: str
    """SQL giving the reason text, so it can quote other values of the row."""


@dataclass(frozen=True)
class Found:
    """Rows breaking one rule: a sample and the full count."""

    column: str | None
    rows: list[tuple[int, int, str | None, str]]
    """(file index, row, value, reason)"""
    total: int


def validate(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    table: Table,
    sources: list[Source],
    *,
    existing: KeyRelation,
    mode: str,
    dates: DateReading,
    now: dt.datetime,
) -> tuple[list[Problem], int]:
    """Problems of the staged rows, sorted by file and line, and how many there are in all.

    `existing` gives the rows already in the workspace. In append mode a key
    already there is a problem; in replace mode the table's current keys will be
    gone, so a self-reference must be satisfied by the import itself.
    """
    found = _failing(con, stage, row_checks(table, dates, now))
    found += _duplicate_keys(con, stage, table, sources)
    if mode == "append":
        found += _existing_keys(con, stage, table, existing)
    found += _references(con, stage, table, existing, replacing=mode == "replace")
    problems, total = _locate(con, found, sources, table)
    if mode == "replace":
        orphans = _orphaned(con, stage, table, existing, sources[0].name)
        problems, total = problems + orphans, total + len(orphans)
    return problems, total


def _orphaned(
    con: duckdb.DuckDBPyConnection, stage: str, table: Table, existing: KeyRelation, file: str
) -> list[Problem]:
    """Replace mode: rows of other tables that name a key the import removes.

    Replacing `accounts` with a file that lacks some accounts would leave their
    subscriptions, usage and tickets pointing at nothing, so that is refused too.
    """
    problems = []
    for other in TABLES.values():
        for column in other.columns:
            if other.name == table.name or column.references is None:
                continue  # a self-reference is checked on the imported rows
            target, key = column.references.split(".")
            if target != table.name:
                continue
            c, k = ident(column.name), ident(key)
            row = con.execute(
                f"SELECT count(*), min({c}) FROM {existing(other.name, (column.name,))} "
                f"WHERE {c} IS NOT NULL AND {c} NOT IN (SELECT {k} FROM {stage} WHERE {k} IS NOT NULL)"
            ).fetchone()
            if row and row[0]:
                problems.append(
                    Problem(
                        file,
                        None,
                        key,
                        str(row[1]),
                        f"{row[0]:,} row(s) of {other.name} refer to {key} values missing from "
                        f"the new {table.name} and would point at nothing; keep those "
                        f"{table.name} in the file, or import with --mode upsert",
                    )
                )
    return problems


def row_checks(table: Table, dates: DateReading, now: dt.datetime) -> list[Check]:
    """One check per row-local rule (type, required, allowed, not future, ordered...)."""
    checks = []
    for column in table.columns:
        c, raw = ident(column.name), ident(raw_name(column))
        if column.required:
            checks.append(Check(column.name, f"{raw} IS NULL", "NULL", "'required value is empty'"))
        if column.type == ColumnType.JSON:
            bad = (
                f"{c} IS NOT NULL AND "
                f"CASE WHEN json_valid({c}) THEN json_type({c}) <> 'OBJECT' ELSE true END"
            )
            checks.append(Check(column.name, bad, c, literal("not " + expected(column, dates))))
        elif column.type not in (ColumnType.STRING, ColumnType.STRING_LIST):
            checks.append(
                Check(
                    column.name,
                    f"{raw} IS NOT NULL AND {c} IS NULL",
                    raw,
                    literal("not " + expected(column, dates)),
                )
            )
        if column.type in (ColumnType.DATE, ColumnType.TIMESTAMP):
            checks.append(
                Check(
                    column.name,
                    f"year({c}) < {EARLIEST_YEAR}",
                    raw,
                    literal(
                        f"is before {EARLIEST_YEAR}: a two-digit year read with %Y? "
                        "Use %y in --date-format (e.g. %m/%d/%y) for years written 26"
                    ),
                )
            )
        if column.allowed and column.type == ColumnType.STRING_LIST:
            outside = f"list_filter({c}, x -> x NOT IN {literal_list(column.allowed)})"
            checks.append(
                Check(
                    column.name,
                    f"len({outside}) > 0",
                    f"array_to_string({outside}, '|')",
                    literal("not one of: " + ", ".join(column.allowed)),
                )
            )
        elif column.allowed:
            checks.append(
                Check(
                    column.name,
                    f"{c} NOT IN {literal_list(column.allowed)}",
                    c,
                    literal("not one of: " + ", ".join(column.allowed)),
                )
            )
        if column.non_negative:
            checks.append(Check(column.name, f"{c} < 0", raw, "'must not be negative'"))
        if column.not_future:
            limit = now.date().isoformat() if column.type == ColumnType.DATE else now.isoformat()
            sql_type = "DATE" if column.type == ColumnType.DATE else "TIMESTAMP"
            checks.append(
                Check(
                    column.name,
                    f"{c} > {sql_type} {literal(limit)}",
                    raw,
                    literal(f"is in the future (import time {now:%Y-%m-%d %H:%M:%S} UTC)"),
                )
            )
    for start, end in table.ordered:
        checks.append(
            Check(
                end,
                f"{ident(end)} < {ident(start)}",
                ident(raw_name(table.column(end))),
                f"'is before {start} (' || CAST({ident(start)} AS VARCHAR) || ')'",
            )
        )
    for rule in table.rules:
        checks.append(
            Check(
                rule.column,
                f"coalesce({rule.broken}, false)",
                ident(raw_name(table.column(rule.column))),
                literal(rule.reason),
            )
        )
    return checks


def _failing(con: duckdb.DuckDBPyConnection, stage: str, checks: list[Check]) -> list[Found]:
    counts = con.execute(
        "SELECT " + ", ".join(f"count_if({c.condition})" for c in checks) + f" FROM {stage}"
    ).fetchone()
    assert counts is not None
    found = []
    for check, total in zip(checks, counts, strict=True):
        if total:
            rows = con.execute(
                f"SELECT {FILE}, {ROW}, CAST({check.value} AS VARCHAR), {check.reason} "
                f"FROM {stage} WHERE {check.condition} ORDER BY {FILE}, {ROW} LIMIT {MAX_PER_CHECK}"
            ).fetchall()
            found.append(Found(check.column, rows, total))
    return found


def _key_text(columns: tuple[str, ...], prefix: str = "") -> str:
    return " || ', ' || ".join(f"CAST({prefix}{ident(c)} AS VARCHAR)" for c in columns)


def _sampled(con: duckdb.DuckDBPyConnection, query: str) -> tuple[list[tuple], int]:
    """Rows of `query` (capped) and their full count, in one pass."""
    rows = con.execute(
        f"SELECT *, count(*) OVER () FROM ({query}) ORDER BY {FILE}, {ROW} LIMIT {MAX_PER_CHECK}"
    ).fetchall()
    return [r[:-1] for r in rows], (rows[0][-1] if rows else 0)


def _duplicate_keys(
    con: duckdb.DuckDBPyConnection, stage: str, table: Table, sources: list[Source]
) -> list[Found]:
    """Rows repeating a primary key seen earlier in the same import."""
    key = table.primary_key
    if not key:
        return []
    partition = ", ".join(ident(c) for c in key)
    not_null = " AND ".join(f"{ident(c)} IS NOT NULL" for c in key)
    rows, total = _sampled(
        con,
        f"SELECT {FILE}, {ROW}, {_key_text(key)} AS value, first_file, first_row FROM ("
        f"SELECT *, first_value({FILE}) OVER w AS first_file, first_value({ROW}) OVER w AS "
        f"first_row, row_number() OVER w AS n FROM {stage} WHERE {not_null} "
        f"WINDOW w AS (PARTITION BY {partition} ORDER BY {FILE}, {ROW})) WHERE n > 1",
    )
    if not total:
        return []
    firsts: dict[int, list[int]] = defaultdict(list)
    for _, _, _, first_file, first_row in rows:
        firsts[first_file].append(first_row)
    lines = {i: sources[i].lines(con, sorted(set(r))) for i, r in firsts.items()}
    described = [
        (
            f,
            r,
            value,
            f"duplicate {', '.join(key)}: already in this import at "
            f"{sources[ff].name}:{lines[ff][fr]}",
        )
        for f, r, value, ff, fr in rows
    ]
    return [Found(", ".join(key), described, total)]


def _existing_keys(
    con: duckdb.DuckDBPyConnection, stage: str, table: Table, existing: KeyRelation
) -> list[Found]:
    """Append mode: rows whose primary key is already in the workspace table."""
    key = table.primary_key
    if not key:
        return []
    match = " AND ".join(f"e.{ident(c)} = s.{ident(c)}" for c in key)
    rows, total = _sampled(
        con,
        f"SELECT s.{FILE}, s.{ROW}, {_key_text(key, 's.')} AS value FROM {stage} s "
        f"WHERE EXISTS (SELECT 1 FROM {existing(table.name, key)} e WHERE {match})",
    )
    reason = f"{', '.join(key)} already in {table.name}; use --mode upsert to update it"
    return [Found(", ".join(key), [(*r, reason) for r in rows], total)] if total else []


def _references(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    table: Table,
    existing: KeyRelation,
    *,
    replacing: bool,
) -> list[Found]:
    """Values that match no key of the referenced table, in the workspace or this import."""
    found = []
    for column in table.columns:
        if column.references is None:
            continue
        target, key = column.references.split(".")
        relations = []
        if not (target == table.name and replacing):
            relations.append(f"SELECT {ident(key)} AS k FROM {existing(target, (key,))}")
        if target == table.name:
            relations.append(f"SELECT {ident(key)} AS k FROM {stage}")
        c = ident(column.name)
        keys = " UNION ALL ".join(relations)
        unknown = (
            f"SELECT {FILE}, {ROW}, {c} AS value, {look_alike(keys, f's.{c}')} AS alike "
            f"FROM {stage} s "
            f"WHERE {c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ({keys}) r WHERE r.k = s.{c})"
        )
        rows, total = _sampled(con, unknown)
        reason = f"unknown {key}: not in {target} nor in this import"
        if total > MAX_PER_CHECK:  # a missing account behind many rows: say which ids are missing
            reason += _distinct_values(con, unknown, key, total)
        if total:
            found.append(
                Found(
                    column.name,
                    [
                        (f, r, value, reason + (f" (did you mean {alike!r}?)" if alike else ""))
                        for f, r, value, alike in rows
                    ],
                    total,
                )
            )
    return found


def look_alike(keys: str, value: str) -> str:
    """SQL: the key of `keys` (a relation with column `k`) that `value` was probably meant to
    be, the same but for case, blanks or leading zeros; NULL if none."""
    return (
        f"(SELECT min(r.k) FROM ({keys}) r WHERE lower(trim(r.k)) = lower(trim({value})) "
        f"OR ltrim(r.k, '0') = ltrim({value}, '0'))"
    )


def _distinct_values(con: duckdb.DuckDBPyConnection, rows: str, key: str, total: int) -> str:
    """' (the 1,000 rows name 3 unknown account_ids: 'A', 'B', 'C')', most frequent first."""
    counts = con.execute(
        f"SELECT value, count(*) AS n FROM ({rows}) GROUP BY value ORDER BY n DESC, value"
    ).fetchall()
    shown = ", ".join(repr(value) for value, _ in counts[:5]) + (", ..." if len(counts) > 5 else "")
    return f" (the {total:,} rows name {len(counts):,} unknown {key}s: {shown})"


def _locate(
    con: duckdb.DuckDBPyConnection, found: list[Found], sources: list[Source], table: Table
) -> tuple[list[Problem], int]:
    """Turn (file index, row) into (file name, line) and order problems as a reader scans."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for f in found:
        for file_index, row, _, _ in f.rows:
            wanted[file_index].add(row)
    lines = {i: sources[i].lines(con, sorted(rows)) for i, rows in wanted.items()}
    order = {name: i for i, name in enumerate(table.column_names)}
    located = [
        (
            (file_index, row, order.get(f.column or "", -1)),
            Problem(sources[file_index].name, lines[file_index][row], f.column, value, reason),
        )
        for f in found
        for file_index, row, value, reason in f.rows
    ]
    located.sort(key=lambda pair: pair[0])  # stable: one cell's problems keep the rules' order
    return [p for _, p in located], sum(f.total for f in found)
