"""Replacing the rows a run computed for some as-of dates (scores, signals), idempotently.

Re-running a command for a date replaces that date's rows and keeps every other row.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend
from pyarrow import csv

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection


def replace_dated_rows(
    con: BaseBackend, rows: dict[str, pa.Table], dates: list[dt.date], **same: str
) -> None:
    """In each table of `rows`, replace the rows whose `as_of` is in `dates` (and whose
    columns equal `same`, e.g. `scorecard="..."`) by the given rows. The tables exist.

    On DuckDB and PostgreSQL this is one transaction (every table changes, or none) whose
    cost is proportional to the run: a DELETE of the replaced rows and an INSERT (COPY on
    PostgreSQL) of the new ones. Spark rewrites each table (`_rewrite`).
    """
    days = sorted(set(dates))
    if con.name == "duckdb":
        _replace_in_transaction(con.con, rows, days, same)
        return
    if con.name == "postgres":
        _replace_on_postgres(con.con, rows, days, same)
        return
    for name, new in rows.items():
        _rewrite(con, name, new, days, same)


def _replace_in_transaction(
    raw: DuckDBPyConnection, rows: dict[str, pa.Table], days: list[dt.date], same: dict[str, str]
) -> None:
    """DELETE + INSERT into every table inside one DuckDB transaction; any error rolls back."""
    condition = " AND ".join(["list_contains(?::DATE[], as_of)", *(f'"{c}" = ?' for c in same)])
    raw.begin()
    try:
        for name, new in rows.items():
            raw.execute(f'DELETE FROM "{name}" WHERE {condition}', [days, *same.values()])
            _insert(raw, name, new)
    except BaseException:
        raw.rollback()
        raise
    raw.commit()


def _replace_on_postgres(
    raw: Any, rows: dict[str, pa.Table], days: list[dt.date], same: dict[str, str]
) -> None:
    """DELETE + COPY into every table inside one PostgreSQL transaction (psycopg): the rows
    go as CSV written by Arrow, not one INSERT per row."""
    condition = " AND ".join(["as_of = ANY(%s)", *(f'"{c}" = %s' for c in same)])
    with raw.transaction(), raw.cursor() as cursor:
        for name, new in rows.items():
            cursor.execute(f'DELETE FROM "{name}" WHERE {condition}', [days, *same.values()])
            copy_rows(cursor, name, new)


def copy_rows(cursor: Any, name: str, new: pa.Table) -> None:
    """Append `new` to PostgreSQL table `name` with COPY, as CSV written by Arrow (no list
    columns: CSV has no arrays). psycopg `cursor`, inside the caller's transaction."""
    columns = ", ".join(f'"{c}"' for c in new.column_names)
    text = io.BytesIO()
    csv.write_csv(new, text, csv.WriteOptions(include_header=False))
    with cursor.copy(f'COPY "{name}" ({columns}) FROM STDIN (FORMAT csv)') as copy:
        copy.write(text.getvalue())


def _insert(raw: DuckDBPyConnection, name: str, new: pa.Table) -> None:
    """Append an Arrow table to `name` through a view registered on the raw DuckDB connection."""
    view = f"_vigie_new_{name}"
    columns = ", ".join(f'"{c}"' for c in new.column_names)
    raw.register(view, new)
    try:
        raw.execute(f'INSERT INTO "{name}" ({columns}) SELECT {columns} FROM "{view}"')
    finally:
        raw.unregister(view)


def _rewrite(
    con: BaseBackend, name: str, new: pa.Table, days: list[dt.date], same: dict[str, str]
) -> None:
    """Backends without DELETE through Ibis (Spark has no transactions): rewrite the table.

    The kept rows are materialised first because Spark cannot overwrite a table it is
    reading. This costs O(stored history) and is not atomic across tables; re-running the
    same command repairs an interrupted run.
    """
    table = con.table(name)
    replaced = ibis.and_(table.as_of.isin(days), *(table[c] == v for c, v in same.items()))
    kept = table.filter(~replaced).to_pyarrow()
    combined = pa.concat_tables([kept.cast(new.schema), new])
    if con.name != "pyspark":
        con.create_table(name, combined, overwrite=True)
        return
    # Not an Ibis memtable: on PySpark it goes through pandas, where pandas 3 turns a
    # NULL string into the text 'NaN'. Spark 4 builds a DataFrame from Arrow directly.
    view = f"_vigie_rewrite_{name}"
    con._session.createDataFrame(combined).createOrReplaceTempView(view)
    try:
        con.create_table(name, con.table(view), overwrite=True)
    finally:
        con._session.catalog.dropTempView(view)
