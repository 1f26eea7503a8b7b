"""Write a simulated portfolio as one CSV or Parquet file per canonical table.

Usage is streamed month by month. Files are written under temporary names
and renamed only once all of them are complete, so a failure never leaves
a half-written portfolio that an import would pick up.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from vigie.errors import SimulationError
from vigie.schema import TABLES
from vigie.simulate.portfolio import Portfolio
from vigie.simulate.tables import arrow_schema

FORMATS = ("csv", "parquet")
CSV_OPTIONS = pacsv.WriteOptions(quoting_style="needed")
LIST_SEPARATOR = "|"
"""The importer's CSV convention for string lists."""


def for_csv(table: pa.Table) -> pa.Table:
    """ISO timestamps to the second, lists '|'-joined: what the CSV importer reads."""
    columns = []
    for column in table.columns:
        if pa.types.is_timestamp(column.type):
            column = pc.strftime(column.cast(pa.timestamp("s")), format="%Y-%m-%dT%H:%M:%S")
        elif pa.types.is_list(column.type):
            column = pc.binary_join(column, LIST_SEPARATOR)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def check_format(format: str) -> None:
    if format not in FORMATS:
        raise SimulationError(f"--format must be one of {', '.join(FORMATS)} (got {format!r}).")


def write(portfolio: Portfolio, out_dir: Path | str, format: str = "csv") -> dict[str, int]:
    """Write every canonical table to `out_dir/<table>.<format>`; returns rows per table."""
    check_format(format)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise SimulationError(f"--out {out} is a file; give a folder (it is created if missing).")
    out.mkdir(parents=True, exist_ok=True)
    parts = {name: out / f".{name}.{format}.part" for name in TABLES}
    rows: dict[str, int] = {}
    try:
        for name, path in parts.items():
            chunks = (
                portfolio.usage_chunks() if name == "usage_events" else [portfolio.tables[name]]
            )
            rows[name] = _write_chunks(chunks, path, arrow_schema(name), format)
    except BaseException:
        for path in parts.values():
            path.unlink(missing_ok=True)
        raise
    for name, path in parts.items():
        path.replace(out / f"{name}.{format}")
    return rows


def _write_chunks(chunks: Iterable[pa.Table], path: Path, schema: pa.Schema, format: str) -> int:
    rows = 0
    if format == "parquet":
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            for chunk in chunks:
                writer.write_table(chunk)
                rows += chunk.num_rows
        return rows
    csv_schema = for_csv(schema.empty_table()).schema
    with pacsv.CSVWriter(path, csv_schema, write_options=CSV_OPTIONS) as writer:
        for chunk in chunks:
            writer.write_table(for_csv(chunk))
            rows += chunk.num_rows
    return rows
