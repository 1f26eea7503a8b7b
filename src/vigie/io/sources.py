"""Input files as DuckDB relations of text columns.

Every reader yields the same shape: one VARCHAR column per column of the file,
in file order. Typing and validation then work on one shape whatever the
format, and DuckDB streams the file instead of Python holding rows. Rows are
numbered by their position once staged (DuckDB keeps insertion order), except
XLSX sources, which carry the sheet's row number in a `__row` column.

Line-number rule (see docs/importing.md): CSV problems point at the file's
physical line (header is line 1; line breaks inside quoted values are counted;
blank lines are skipped by the reader and not counted). XLSX problems point at
the sheet's row number; Parquet and JSON lines at the record number (1-based).
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from vigie.errors import ImportOptionError, Problem
from vigie.io.sql import ident, literal

ROW = "__row"
CSV_DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = ("utf-8", "latin-1", "utf-16")
XLSX_BATCH_ROWS = 10_000


DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
"""What users type for a delimiter a shell makes awkward (`--delimiter tab`, `--delimiter '\\t'`)."""
ENCODING_NAMES = {
    "utf8": "utf-8",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "utf16": "utf-16",
}


@dataclass(frozen=True)
class ReadOptions:
    """How to read the files of one import (CLI options --delimiter, --encoding, --sheet)."""

    delimiter: str | None = None
    encoding: str = "utf-8"
    sheet: str | None = None

    @classmethod
    def checked(cls, delimiter: str | None, encoding: str, sheet: str | None) -> ReadOptions:
        """The options with their usual spellings resolved; ImportOptionError if unusable."""
        if delimiter is not None:
            delimiter = DELIMITER_NAMES.get(delimiter.lower(), delimiter)
            if len(delimiter) != 1:
                raise ImportOptionError(
                    f"--delimiter {delimiter!r}: give one character such as ';' or '|', or tab."
                )
        encoding = ENCODING_NAMES.get(encoding.lower(), encoding.lower())
        if encoding not in ENCODINGS:
            raise ImportOptionError(
                f"--encoding {encoding!r} is not supported; use one of {', '.join(ENCODINGS)}. "
                "A Windows-1252 (Excel) file: save it as CSV UTF-8, or read it as latin-1 "
                "(the same letters, but not the euro sign or curly quotes)."
            )
        return cls(delimiter, encoding, sheet)


@dataclass
class Source:
    """One input file opened on a DuckDB connection."""

    path: Path
    kind: str
    columns: tuple[str, ...]
    relation: str
    """SQL usable after FROM: the file's columns, all VARCHAR, in file order."""
    problems: list[Problem] = field(default_factory=list)
    """File-level problems found while opening (empty file, duplicate header...)."""
    header_lines: int = 1
    rejects: str | None = None
    """CSV only: the DuckDB table collecting malformed rows."""
    line_relation: str | None = None
    """CSV only: the same rows read without collecting rejects, to count line breaks."""
    registered: str | None = None
    """XLSX only: the Arrow table registered on the connection."""
    numbered: bool = False
    """The relation carries its own `__row` (XLSX: sheet row numbers, blank rows skipped)."""

    @property
    def name(self) -> str:
        return str(self.path)

    def lines(self, con: duckdb.DuckDBPyConnection, rows: list[int]) -> dict[int, int]:
        """The line to show for each row number (see the module's line-number rule)."""
        if self.kind != "csv" or not rows:
            return {r: r for r in rows}
        assert self.line_relation is not None
        newline_counts = " + ".join(
            f"coalesce(length({ident(c)}) - length(replace({ident(c)}, chr(10), '')), 0)"
            for c in self.columns
        )
        multi = con.execute(
            f"SELECT {ROW}, nl FROM (SELECT {ROW}, {newline_counts} AS nl "
            f"FROM {self.line_relation}) WHERE nl > 0 ORDER BY {ROW}"
        ).fetchnumpy()
        cumulative = np.concatenate([[0], np.cumsum(multi["nl"])])
        asked = np.asarray(rows)
        before = cumulative[np.searchsorted(multi[ROW], asked, side="left")]
        lines = self.header_lines + asked + before
        return dict(zip(rows, lines.tolist(), strict=True))

    def structural_problems(self, con: duckdb.DuckDBPyConnection) -> list[Problem]:
        """CSV rows DuckDB could not split into the header's columns, with exact lines."""
        if self.rejects is None:
            return []
        rows = con.execute(
            f"SELECT line_byte_position, any_value(csv_line), "
            f"string_agg(DISTINCT error_message, '; ') FROM {self.rejects} "
            "GROUP BY line_byte_position ORDER BY line_byte_position"
        ).fetchall()
        if not rows:
            return []
        lines = _lines_at_offsets(self.path, [int(r[0]) for r in rows])
        problems = []
        for (_, text, message), line in zip(rows, lines, strict=True):
            problems.append(
                Problem(
                    self.name,
                    line,
                    None,
                    (text or "").strip("\r\n")[:80],
                    f"malformed CSV row: {message}",
                )
            )
        return problems

    def close(self, con: duckdb.DuckDBPyConnection) -> None:
        if self.rejects is not None:
            con.execute(f"DROP TABLE IF EXISTS {self.rejects}")
            con.execute(f"DROP TABLE IF EXISTS {self.rejects}_scan")
        if self.registered is not None:
            con.unregister(self.registered)


def open_source(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Source:
    """Open `path` by its extension; unreadable files come back with a file-level problem."""
    suffix = path.suffix.lower()
    if not path.is_file():
        return _failed(path, "file not found")
    if suffix in (".csv", ".txt", ".tsv"):
        return _open_csv(path, options)
    if suffix == ".parquet":
        return _open_parquet(con, path)
    if suffix in (".jsonl", ".ndjson"):
        return _open_jsonl(con, path)
    if suffix == ".xlsx":
        return _open_xlsx(con, path, options.sheet)
    return _failed(
        path, f"unsupported file type {suffix!r}; use .csv, .parquet, .xlsx, .jsonl or .ndjson"
    )


def _failed(path: Path, reason: str) -> Source:
    return Source(path, "none", (), "", [Problem(str(path), None, None, None, reason)])


def _python_encoding(encoding: str) -> str:
    return "utf-8-sig" if encoding == "utf-8" else encoding


def _open_csv(path: Path, options: ReadOptions) -> Source:
    try:
        with path.open(encoding=_python_encoding(options.encoding), newline="") as f:
            first_line = f.readline()
            f.seek(0)
            delimiter = options.delimiter or _guess_delimiter(first_line)
            reader = csv.reader(f, delimiter=delimiter)
            header = next(reader, None)
            header_lines = reader.line_num
    except (UnicodeDecodeError, csv.Error) as exc:
        return _failed(path, f"cannot read the header: {exc} (try --encoding)")
    if not header:
        return _failed(path, "the file is empty: a header line is required")
    columns, problems = _header_names(path, header)
    if problems:
        return Source(path, "csv", columns, "", problems)
    column_types = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns) + "}"
    base = (
        f"read_csv({literal(str(path))}, columns={column_types}, header=true, "
        f"auto_detect=false, delim={literal(delimiter)}, quote='\"', escape='\"', "
        f"encoding={literal(options.encoding)}, ignore_errors=true"
    )
    rejects = "__vigie_rejects_" + uuid.uuid4().hex
    relation = (
        f"{base}, store_rejects=true, "
        f"rejects_table={literal(rejects)}, rejects_scan={literal(rejects + '_scan')})"
    )
    # Failure path only: a streaming row_number() is exact but single-threaded.
    line_relation = f"(SELECT row_number() OVER () AS {ROW}, * FROM {base}))"
    return Source(
        path,
        "csv",
        columns,
        relation,
        header_lines=header_lines,
        rejects=rejects,
        line_relation=line_relation,
    )


def _guess_delimiter(header_line: str) -> str:
    """The most frequent candidate in the header line (`,` when there is only one column)."""
    counts = {d: header_line.count(d) for d in CSV_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _header_names(path: Path, header: list[str]) -> tuple[tuple[str, ...], list[Problem]]:
    names = [h.strip() or f"column{i}" for i, h in enumerate(header, start=1)]
    seen: set[str] = set()
    problems = []
    for name in names:
        if name in seen:
            problems.append(
                Problem(str(path), 1, name, None, "column name appears twice in the header")
            )
        seen.add(name)
    return tuple(names), problems


def _as_text(column: str, duckdb_type: str) -> str:
    """A typed column of a Parquet file as text the typing step parses back."""
    c = ident(column)
    if duckdb_type.endswith("[]"):  # lists, such as sentiments.reasons
        return f"array_to_string({c}, '|')"
    if duckdb_type.startswith(("STRUCT", "MAP")):
        return f"CAST(to_json({c}) AS VARCHAR)"
    return f"CAST({c} AS VARCHAR)"


def _open_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> Source:
    reader = f"read_parquet({literal(str(path))})"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {reader}")
    except duckdb.Error as exc:
        return _failed(path, f"cannot read this Parquet file: {exc}")
    types = {name: type_ for name, type_, *_ in described.fetchall()}
    select = ", ".join(f"{_as_text(name, type_)} AS {ident(name)}" for name, type_ in types.items())
    relation = f"(SELECT {select} FROM {reader})"
    return Source(path, "parquet", tuple(types), relation)


def _open_jsonl(con: duckdb.DuckDBPyConnection, path: Path) -> Source:
    """JSON lines: every key read as JSON, so a key that mixes types never fails the read."""
    reader = f"read_json({literal(str(path))}, format='newline_delimited'"
    try:
        # every line is read for its keys: a key first seen late in the file still counts
        described = con.execute(f"DESCRIBE SELECT * FROM {reader}, sample_size=-1)").fetchall()
    except duckdb.Error as exc:
        return _failed(path, f"not valid JSON lines: {exc}")
    columns = tuple(row[0] for row in described)
    column_types = "{" + ", ".join(f"{literal(c)}: 'JSON'" for c in columns) + "}"
    select = ", ".join(
        f"CASE json_type({ident(c)}) WHEN 'VARCHAR' THEN json_extract_string({ident(c)}, '$') "
        f"WHEN 'ARRAY' THEN array_to_string(json_extract_string({ident(c)}, '$[*]'), '|') "
        f"WHEN 'NULL' THEN NULL ELSE CAST({ident(c)} AS VARCHAR) END AS {ident(c)}"
        for c in columns
    )
    relation = f"(SELECT {select} FROM {reader}, columns={column_types}))"
    return Source(path, "jsonl", columns, relation)


def _open_xlsx(con: duckdb.DuckDBPyConnection, path: Path, sheet: str | None) -> Source:
    """First sheet (or `sheet`), streamed row by row by openpyxl into Arrow batches."""
    import openpyxl  # slow to import; only XLSX imports pay for it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        return _failed(path, f"cannot open this XLSX file: {exc}")
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            return _failed(
                path, f"no sheet {sheet!r}; sheets are: {', '.join(workbook.sheetnames)}"
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header or all(v is None for v in header):
            return _failed(path, "the first row must hold the column names")
        columns, problems = _header_names(path, [_cell_text(v) or "" for v in header])
        if problems:
            return Source(path, "xlsx", columns, "", problems)
        table = pa.Table.from_batches(_xlsx_batches(rows, columns), schema=_text_schema(columns))
    finally:
        workbook.close()
    name = "__vigie_xlsx_" + uuid.uuid4().hex
    con.register(name, table)
    return Source(path, "xlsx", columns, ident(name), registered=name, numbered=True)


def _text_schema(columns: tuple[str, ...]) -> pa.Schema:
    return pa.schema([(ROW, pa.int64())] + [(c, pa.string()) for c in columns])


def _xlsx_batches(rows: Iterator[tuple], columns: tuple[str, ...]) -> Iterator[pa.RecordBatch]:
    """Non-empty sheet rows in batches; `__row` is the sheet's row number (header is 1)."""
    numbered = enumerate(rows, start=2)
    schema = _text_schema(columns)
    width = len(columns)
    while batch := list(islice(numbered, XLSX_BATCH_ROWS)):
        kept = [(n, row) for n, row in batch if any(v is not None for v in row)]
        arrays = [pa.array([n for n, _ in kept], pa.int64())]
        for i in range(width):
            arrays.append(
                pa.array([_cell_text(row[i]) if i < len(row) else None for _, row in kept])
            )
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


def _cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text a CSV export would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _lines_at_offsets(path: Path, offsets: list[int]) -> list[int]:
    """1-based line numbers of the records starting at byte offsets, counting newlines in
    C-speed chunks. Line ends at an offset (blank lines, the \\n of a \\r\\n) are not the
    record yet: its line is the first one after them."""
    lines = []
    count, position = 0, 0
    with path.open("rb") as f:
        for offset in offsets:
            count += f.read(offset - position).count(b"\n")
            position = offset
            ahead = f.read(4096)
            blank = ahead[: len(ahead) - len(ahead.lstrip(b"\r\n"))]
            lines.append(count + 1 + blank.count(b"\n"))
            f.seek(position)
    return lines
