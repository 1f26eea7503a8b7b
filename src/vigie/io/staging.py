"""Staging: each input file typed into a TEMP table, all of them seen through one view.

Each file becomes `CREATE TEMP TABLE ... AS SELECT <typed columns> FROM <file>`,
which DuckDB runs in parallel while keeping the file's order, so a staged row's
position (`rowid`) is its record number without a costly row_number() window.
The view adds `__file` and `__row` and is what validation and writing read.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import pyarrow as pa

from vigie.errors import MappingError, Problem
from vigie.io.mapping import Mapping, currency_of, plan_columns
from vigie.io.parsing import DateReading, duckdb_type, typed
from vigie.io.sources import ROW, ReadOptions, Source, open_source
from vigie.io.sql import expression_columns, ident, literal, trimmed
from vigie.io.validation import FILE, TEXT_TYPES, look_alike, raw_name
from vigie.schema import Table

KEEP = "__keep"
"""Staged column: the row meets the mapping's `where` (skipped rows stay staged, unseen by the
view, so `rowid` still numbers every record)."""
BLANK = "__blank"
"""Staged column: every field of the row is empty (`,,,,` from Google Sheets or Excel): not a
row, like a blank line."""
WRITTEN = "__written_"
"""Prefix of the staged columns holding an amount as the file writes it (see `_count_amounts`)."""
DOT_GROUPS = r"[^0-9]*[0-9]{1,3}(\.[0-9]{3})+[^0-9]*"
"""An amount written like 48.000 or 2.500.000: a dot before each group of three digits."""
DOT_DECIMALS = r"\.([0-9]{1,2}|[0-9]{4,})([^0-9]|$)"
"""A dot before one, two or four and more digits: a decimal point."""
SQL_ERRORS = (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException)
"""What DuckDB raises for an `expr` it cannot run at all (as opposed to a value it fails on)."""


def materialized(con: duckdb.DuckDBPyConnection, data: pa.Table, prefix: str) -> str:
    """A TEMP table holding `data`, named `prefix` + a random suffix. Not a registered Arrow
    view: DuckDB pushes a join's bloom filter into the scan it reads, and an Arrow scan
    refuses it ("Pushdown Filter Type BLOOM_FILTER is not currently supported")."""
    name = prefix + uuid.uuid4().hex
    view = name + "_arrow"
    con.register(view, data)
    try:
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {view}")
    finally:
        con.unregister(view)
    return name


class Staging:
    """The staged rows of one import on one DuckDB connection; `close()` drops them."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        table: Table,
        mapping: Mapping | None,
        dates: DateReading,
        options: ReadOptions,
    ) -> None:
        self.con = con
        self.table = table
        self.mapping = mapping
        self.dates = dates
        self.options = options
        prefix = "__vigie_stage_" + uuid.uuid4().hex
        self.view = prefix
        self.empty = prefix + "_empty"
        self.tables: dict[int, str] = {}
        self.sources: list[Source] = []
        self.rows_read = 0
        self.skipped = 0
        """Rows left out by the mapping's `where`."""
        self.unknown_accounts: Counter[str] = Counter()
        """account_id -> rows left out because no account has it (`skip_unknown_accounts`)."""
        self.extras: dict[str, tuple[str, ...]] = {}
        """File -> its columns that match no canonical column (kept in attributes or ignored)."""
        self.given: set[str] = set()
        """Columns some file gives (see `kept`)."""
        self.currencies: dict[str, Counter[str]] = defaultdict(Counter)
        """Amount column -> rows per currency written around the number (all files)."""
        self.dot_groups: Counter[str] = Counter()
        """Amount column -> rows written like 48.000 (DOT_GROUPS)."""
        self.dot_decimals: Counter[str] = Counter()
        """Amount column -> rows written with a decimal point (DOT_DECIMALS)."""

    @property
    def kept(self) -> list[str]:
        """Columns no file gives: an upsert keeps their stored values (a CSM reassignment sheet
        of account_id, name and csm must not blank every other column)."""
        key = set(self.table.primary_key)
        return [c for c in self.table.column_names if c not in self.given and c not in key]

    @property
    def staged_columns(self) -> list[str]:
        """Typed columns, each followed by its original text when the type is not text."""
        names = []
        for c in self.table.columns:
            names.append(c.name)
            if c.type not in TEXT_TYPES:
                names.append(raw_name(c))
        return names

    def stage(self, paths: list[Path]) -> list[Problem]:
        """Stage every readable file and create the view; return the file-level problems."""
        problems: list[Problem] = []
        for path in paths:
            source = open_source(self.con, path, self.options)
            self.sources.append(source)
            problems += source.problems
            if not source.problems:
                problems += self._stage_file(len(self.sources) - 1, source)
        self._create_view()
        return problems

    def _check_exprs(self, mapping: Mapping, source: Source) -> None:
        """Raise a MappingError naming the `expr` rule that fails on the file: SQL DuckDB
        cannot run, or a value it fails on (with the line of the first such value)."""
        rules = {f"columns.{name}": rule for name, rule in mapping.columns.items()}
        if mapping.keep:
            rules["where"] = mapping.keep
        for key, rule in rules.items():
            if rule.kind != "expr":
                continue
            try:
                self.con.execute(f"SELECT count(({rule.text})) FROM {source.relation}")
                continue
            except duckdb.Error as exc:
                reason, unusable = str(exc).splitlines()[0], isinstance(exc, SQL_ERRORS)
            where = mapping.where(key, rule.line)
            if unusable:
                raise MappingError(
                    f"{where}: the expr cannot be computed on {source.name}: {reason}"
                )
            raise MappingError(
                f"{where}: the expr fails{self._first_failure(rule.text, source)}: {reason}. "
                "Convert the value as the file writes it (a date such as 11/23/2025: "
                "strptime(\"Col\", '%m/%d/%Y')), or fix the file. TRY_CAST(...) or try(...) "
                "would make every value that fails empty, silently."
            )

    def _first_failure(self, expr: str, source: Source) -> str:
        """' at FILE:LINE' of the first row with inputs where `expr` fails; '' if not found."""
        inputs = " AND ".join(f"{ident(c)} IS NOT NULL" for c in expression_columns(expr))
        try:
            row = self.con.execute(
                f"SELECT min(n) FROM (SELECT row_number() OVER () AS n, * FROM {source.relation}) "
                f"WHERE try(({expr})) IS NULL AND {inputs or 'true'}"
            ).fetchone()
        except duckdb.Error:  # not SQL DuckDB can run at all: no line to point at
            return ""
        if not row or row[0] is None:
            return ""
        return f" at {source.name}:{source.lines(self.con, [int(row[0])])[int(row[0])]}"

    def select(self, source: Source) -> tuple[str, list[Problem]]:
        """SQL typing `source`'s rows next to their text, or the required columns it lacks."""
        plan = plan_columns(self.table, source.columns, source.name, self.mapping)
        if plan.extras:
            self.extras[source.name] = plan.extras
        self.given.update(plan.given)
        if plan.missing_required:
            listed = ", ".join(source.columns)
            return "", [
                Problem(
                    source.name,
                    None,
                    name,
                    None,
                    f"missing required column; the file has: {listed}",
                )
                for name in plan.missing_required
            ]
        inner = ", ".join(
            f"{plan.raw.get(c.name, 'NULL')} AS {ident(raw_name(c))}" for c in self.table.columns
        )
        outer = ", ".join(
            f"{typed(c, ident(raw_name(c)), self.dates)} AS {ident(c.name)}"
            + ("" if c.type in TEXT_TYPES else f", {ident(raw_name(c))}")
            for c in self.table.columns
        )
        numbered = f"{ROW}, " if source.numbered else ""
        keep = (
            f"coalesce(({self.mapping.keep.text}), false)"
            if self.mapping and self.mapping.keep
            else "true"
        )
        blank = " AND ".join(f"nullif({trimmed(ident(c))}, '') IS NULL" for c in source.columns)
        inner += f", {keep} AS {KEEP}, {blank or 'false'} AS {BLANK}"
        outer += f", {KEEP}, {BLANK}"
        for name, text in plan.amounts.items():
            inner += f", {text} AS {ident(WRITTEN + name)}"
            outer += f", {ident(WRITTEN + name)}"
        return (
            f"SELECT {numbered}{outer} FROM (SELECT {numbered}{inner} FROM {source.relation})",
            [],
        )

    def _stage_file(self, index: int, source: Source) -> list[Problem]:
        select, missing = self.select(source)
        if missing:
            return missing
        name = f"{self.view}_{index}"
        try:
            self.con.execute(f"CREATE TEMP TABLE {name} AS {select}")
        except duckdb.Error as exc:
            if self.mapping is not None:
                self._check_exprs(self.mapping, source)
                if isinstance(exc, SQL_ERRORS):
                    raise MappingError(
                        f"{self.mapping.path}: an expr cannot be computed on {source.name}: {exc}"
                    ) from None
            return [Problem(source.name, None, None, None, f"cannot read the file: {exc}")]
        self.tables[index] = name
        self._count_amounts(name)
        structural = source.structural_problems(self.con)
        self.rows_read += self.count(f"{name} WHERE NOT {BLANK}") + len(structural)
        self.skipped += self.count(f"{name} WHERE NOT {KEEP} AND NOT {BLANK}")
        if structural:  # this file's later line numbers would be off: report these alone
            self.con.execute(f"DROP TABLE {name}")
            del self.tables[index]
        return structural

    def _count_amounts(self, name: str) -> None:
        """`currencies`, `dot_groups` and `dot_decimals` of one staged file (numbers read)."""
        staged = [d[0] for d in self.con.execute(f"SELECT * FROM {name} LIMIT 0").description]
        for written in (c for c in staged if c.startswith(WRITTEN)):
            column, text = written.removeprefix(WRITTEN), ident(written)
            read = f"{ident(column)} IS NOT NULL AND {KEEP} AND NOT {BLANK}"
            rows = self.con.execute(
                f"SELECT {currency_of(text)} AS code, count(*), "
                f"count_if(regexp_full_match({text}, {literal(DOT_GROUPS)})), "
                f"count_if(regexp_matches({text}, {literal(DOT_DECIMALS)})) "
                f"FROM {name} WHERE {read} GROUP BY code"
            ).fetchall()
            for code, count, groups, decimals in rows:
                if code:
                    self.currencies[column][code] += count
                self.dot_groups[column] += groups or 0  # NULL: every written text is NULL
                self.dot_decimals[column] += decimals or 0

    def skip_unknown_accounts(self, accounts: str) -> None:
        """Leave out the rows whose account_id is in no row of `accounts` (SQL relation): a
        product-usage export also holds trial and internal accounts the CRM does not. An id
        like a known one but for case, blanks or leading zeros stays, to be refused with a
        "did you mean": skipping it would drop a customer's rows."""
        column = ident("account_id")
        keys = f"SELECT account_id AS k FROM {accounts} WHERE account_id IS NOT NULL"
        unknown = (
            f"{KEEP} AND NOT {BLANK} AND {column} IS NOT NULL AND {column} NOT IN "
            f"(SELECT k FROM ({keys})) AND {look_alike(keys, column)} IS NULL"
        )
        for name in self.tables.values():
            rows = self.con.execute(
                f"SELECT {column}, count(*) FROM {name} WHERE {unknown} GROUP BY {column}"
            ).fetchall()
            self.unknown_accounts.update(dict(rows))
            self.con.execute(f"UPDATE {name} SET {KEEP} = false WHERE {unknown}")

    def _create_view(self) -> None:
        columns = ", ".join(ident(c) for c in self.staged_columns)
        types = ", ".join(
            f"{ident(c.name)} {duckdb_type(c)}"
            + ("" if c.type in TEXT_TYPES else f", {ident(raw_name(c))} VARCHAR")
            for c in self.table.columns
        )
        self.con.execute(f"CREATE TEMP TABLE {self.empty} ({FILE} INTEGER, {ROW} BIGINT, {types})")
        parts = [f"SELECT {FILE}, {ROW}, {columns} FROM {self.empty}"]
        kept = f" WHERE {KEEP} AND NOT {BLANK}"
        for index, name in self.tables.items():
            row = ROW if self.sources[index].numbered else "rowid + 1"
            parts.append(f"SELECT {index} AS {FILE}, {row} AS {ROW}, {columns} FROM {name}{kept}")
        self.con.execute(f"CREATE TEMP VIEW {self.view} AS " + " UNION ALL ".join(parts))

    def count(self, relation: str | None = None) -> int:
        row = self.con.execute(f"SELECT count(*) FROM {relation or self.view}").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self.con.execute(f"DROP VIEW IF EXISTS {self.view}")
        for name in [self.empty, *self.tables.values()]:
            self.con.execute(f"DROP TABLE IF EXISTS {name}")
        for source in self.sources:
            source.close(self.con)
