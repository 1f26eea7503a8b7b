"""Arrow tables shaped exactly like the canonical schema.

Column names, order and types come from `vigie.schema`, so the simulator's
files cannot drift from what the importer expects.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from vigie.schema import ColumnType, get_table

ARROW_TYPES: dict[ColumnType, pa.DataType] = {
    ColumnType.STRING: pa.string(),
    ColumnType.INTEGER: pa.int64(),
    ColumnType.FLOAT: pa.float64(),
    ColumnType.BOOLEAN: pa.bool_(),
    ColumnType.DATE: pa.date32(),
    ColumnType.TIMESTAMP: pa.timestamp("us"),
    ColumnType.STRING_LIST: pa.list_(pa.string()),
    ColumnType.JSON: pa.string(),
}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a canonical table (the parquet layout)."""
    return pa.schema([(c.name, ARROW_TYPES[c.type]) for c in get_table(table).columns])


def canonical(table: str, columns: dict[str, Any], sort_by: str | None = None) -> pa.Table:
    """A table with every canonical column, in order; columns not given are null.

    Values may be numpy arrays (datetime64 for dates and times; NaT means
    empty) or pyarrow arrays. Unknown names are a bug, so they raise.
    """
    schema = arrow_schema(table)
    unknown = set(columns) - set(schema.names)
    if unknown:
        raise KeyError(f"{table}: not canonical columns {sorted(unknown)}")
    rows = len(next(iter(columns.values())))
    arrays = []
    for field in schema:
        value = columns.get(field.name)
        if value is None:
            arrays.append(pa.nulls(rows, field.type))
        elif isinstance(value, pa.Array | pa.ChunkedArray):
            arrays.append(value.cast(field.type))
        else:
            value = np.asarray(value)
            mask = np.isnat(value) if value.dtype.kind == "M" else None
            arrays.append(pa.array(value, mask=mask).cast(field.type))
    result = pa.Table.from_arrays(arrays, schema=schema)
    if sort_by is not None:
        result = result.take(np.argsort(result[sort_by].to_numpy(), kind="stable"))
    return result


def ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded string ids such as ACC-00042."""
    return np.char.add(prefix, np.char.zfill(np.asarray(numbers).astype(str), width))
