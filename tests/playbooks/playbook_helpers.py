"""Tiny canonical tables written straight into a DuckDB workspace."""

from __future__ import annotations

import ibis
import pandas as pd
import pyarrow as pa

from vigie.schema import TABLES
from vigie.workspace import Workspace


def load(ws: Workspace, name: str, rows: list[dict]) -> None:
    """Append rows (missing columns NULL) to a canonical table."""
    schema = TABLES[name].ibis_schema()
    frame = pd.DataFrame(rows)
    for col in schema.names:
        if col not in frame:
            frame[col] = None
    frame = frame[list(schema.names)]
    arrow = pa.Table.from_pandas(frame, schema=schema.to_pyarrow(), preserve_index=False)
    ws.con.insert(name, ibis.memtable(arrow))
