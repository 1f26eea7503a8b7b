"""Rows written by the CLI's small writes keep NULL strings NULL, on DuckDB and on Spark."""

from __future__ import annotations

import tempfile
from pathlib import Path

import ibis
import pyarrow as pa
import pytest
from ibis.backends import BaseBackend

from vigie.io.insert import insert_arrow
from vigie.workspace import Workspace

ROWS = pa.table({"id": ["a", "b"], "note": ["kept", None]})
EXPECTED = [("a", "kept"), ("b", None), ("b", None), ("a", "kept")]


def _round_trip(con: BaseBackend, name: str) -> list[tuple]:
    con.create_table(name, schema=ibis.schema({"id": "string", "note": "string"}))
    insert_arrow(con, name, ROWS)
    insert_arrow(con, name, ROWS.slice(1), overwrite=False)
    first = con.table(name).order_by(["id", "note"]).to_pyarrow().to_pylist()
    insert_arrow(con, name, ROWS.slice(0, 1), overwrite=True)
    second = con.table(name).to_pyarrow().to_pylist()
    return [tuple(r.values()) for r in first + second]


def test_duckdb_appends_and_replaces(workspace: Workspace) -> None:
    assert _round_trip(workspace.con, "notes") == EXPECTED


@pytest.mark.spark
def test_spark_keeps_null_strings_null(tmp_path: Path) -> None:
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="spark-wh-"))
        .getOrCreate()
    )  # getOrCreate: shares the session other Spark tests of this worker may have started
    con = ibis.pyspark.connect(spark)
    name = "vigie_insert_test_" + tmp_path.name.replace("-", "_")
    try:
        assert _round_trip(con, name) == EXPECTED
    finally:
        con.drop_table(name, force=True)
