"""Writing a few Arrow rows into a workspace table, the same way on every backend."""

from __future__ import annotations

import uuid

import pyarrow as pa
from ibis.backends import BaseBackend


def insert_arrow(con: BaseBackend, table: str, rows: pa.Table, *, overwrite: bool = False) -> None:
    """Append `rows` to `table` (or replace its content), NULL strings staying NULL.

    Ibis hands Arrow to PySpark through pandas, where pandas 3 turns a NULL
    string into the text 'NaN'; Spark 4 builds a DataFrame from Arrow directly,
    so on Spark the rows go through a temporary view instead.
    """
    if con.name != "pyspark":
        con.insert(table, rows, overwrite=overwrite)
        return
    view = "_vigie_rows_" + uuid.uuid4().hex
    con._session.createDataFrame(rows).createOrReplaceTempView(view)
    try:
        con.insert(table, con.table(view), overwrite=overwrite)
    finally:
        con._session.catalog.dropTempView(view)
