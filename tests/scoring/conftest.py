"""Workspaces loaded with the hand-built fixture data, on DuckDB and on Spark (one session)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import ibis
import pandas as pd
import pytest
from scoring_data import HEALTH_TABLES, fixture_frames, load_tables, spark_view, to_arrow

from vigie.schema import TABLES
from vigie.workspace import Workspace


@pytest.fixture(scope="session")
def spark_con() -> Iterator[object]:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("vigie-scoring-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="spark-wh-"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield ibis.pyspark.connect(spark)
    spark.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def ws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """A workspace holding the fixture data, on each backend."""
    if request.param == "spark":
        con = request.getfixturevalue("spark_con")
        for name in TABLES:
            spark_view(con, name, to_arrow(name, pd.DataFrame()))
        workspace = Workspace.from_connection(tmp_path / "ws", con)
    else:
        workspace = Workspace.init(tmp_path / "ws")
    load_tables(workspace, fixture_frames())
    yield workspace
    if request.param == "spark":
        for name in HEALTH_TABLES:
            workspace.con.drop_table(name, force=True)
    else:
        workspace.close()


@pytest.fixture
def duck(tmp_path: Path) -> Iterator[Workspace]:
    """The fixture workspace on DuckDB only (persistence details, CLI)."""
    workspace = Workspace.init(tmp_path / "ws")
    load_tables(workspace, fixture_frames())
    yield workspace
    workspace.close()
