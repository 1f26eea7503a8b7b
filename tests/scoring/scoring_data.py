"""The hand-built scoring fixture: CSV files in `fixtures/`, typed by `vigie.schema`.

Loaded with plain Ibis calls (no importer). A uniquely named module, not conftest.py,
so test files import it unambiguously whichever conftest pytest loaded last.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from vigie.schema import TABLES, ColumnType
from vigie.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
HEALTH_TABLES = ("health_snapshots", "health_dimensions", "health_measures", "health_overrides")


def fixture_frames() -> dict[str, pd.DataFrame]:
    """Each fixture CSV as a text DataFrame (empty cells = None)."""
    return {
        p.stem: pd.read_csv(p, dtype=str, keep_default_na=False).replace("", None)
        for p in sorted(FIXTURES.glob("*.csv"))
    }


def to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    """A text frame typed as the canonical table `name` (absent columns are NULL)."""
    table = TABLES[name]
    columns = {}
    for col in table.columns:
        values = frame[col.name] if col.name in frame else pd.Series([None] * len(frame))
        if col.type is ColumnType.BOOLEAN:
            values = values.map(lambda v: None if v is None else v == "true")
        elif col.type in (ColumnType.DATE, ColumnType.TIMESTAMP):
            values = pd.to_datetime(values, format="ISO8601")
            values = values.dt.date if col.type is ColumnType.DATE else values
        elif col.type in (ColumnType.FLOAT, ColumnType.INTEGER):
            values = pd.to_numeric(values)
        columns[col.name] = pa.array(
            [None if pd.isna(v) else v for v in values], type=col.type.ibis_type.to_pyarrow()
        )
    return pa.table(columns)


def spark_view(con: object, name: str, arrow: pa.Table) -> None:
    """A Spark temp view built from Arrow directly.

    Not `ibis.memtable`: on PySpark it goes through pandas, where pandas 3 turns a NULL
    string into the text 'NaN' (a parent_account_id 'NaN' then rolls up a phantom parent).
    """
    con._session.createDataFrame(arrow).createOrReplaceTempView(name)


def load_tables(workspace: Workspace, frames: dict[str, pd.DataFrame]) -> None:
    """Replace canonical tables with the given frames (Spark: temp views, fast)."""
    con = workspace.con
    for name, frame in frames.items():
        arrow = to_arrow(name, frame)
        if con.name == "pyspark":
            spark_view(con, name, arrow)
        else:
            con.create_table(name, arrow, overwrite=True)
