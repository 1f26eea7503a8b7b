"""Input files as DuckDB relations of text columns.

Every reader yields the same shape: one VARCHAR column per column of the file,
in file order. Typing and validation then work on one shape whatever the
format, and DuckDB streams the file instead of Python holding rows. Rows are
numbered by their position once staged (DuckDB keeps insertion order), except
XLSX sources, which carry the sheet's row number in a `__row` column.

DuckDB reads UTF-8 text. A CSV file that is compressed (`.csv.gz`) or in another
encoding is first copied to a temporary UTF-8 file (see `_utf8_file`); without
`--encoding`, a file that is not UTF-8 is read as Windows-1252 (Excel's CSV on
Windows), or UTF-16 when it starts with a UTF-16 byte-order mark, and the import
says so.

Line-number rule (see docs/importing.md): CSV problems point at the file's
physical line (header is line 1; line breaks inside quoted values are counted;
blank lines are skipped by the reader and not counted). XLSX problems point at
the sheet's row number; Parquet and JSON lines at the record number (1-based).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import json
import os
import re
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, islice, takewhile
from pathlib import Path
from typing import IO, Any

import duckdb
import numpy as np
import pyarrow as pa

from vigie.errors import ImportOptionError, Problem
from vigie.io.sql import ident, literal

ROW = "__row"
CSV_DELIMITERS = (",", ";", "\t", "|")
HEADER_SEARCH_ROWS = 20
"""How far down a file the header is looked for, below a title."""
SEPARATOR_HINT = re.compile(r"sep=(.)", re.IGNORECASE)
"""Excel's first line naming the delimiter (`sep=;`): it wins over the guess, not over
--delimiter, and is not the header."""
ENCODING_EXAMPLES = "utf-8, cp1252 (Windows, Excel), latin-1, utf-16, mac-roman"
FALLBACK_ENCODING = "cp1252"
"""Read when a CSV file given without --encoding is not UTF-8: Excel's CSV on Windows."""
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
COPY_CHUNK_BYTES = 1 << 20
XLSX_BATCH_ROWS = 10_000


DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
"""What users type for a delimiter a shell makes awkward (`--delimiter tab`, `--delimiter '\\t'`)."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read the files of one import (CLI options --delimiter, --encoding, --sheet)."""

    delimiter: str | None = None
    encoding: str | None = None
    """A Python codec name (`codecs.lookup`); None: UTF-8, else guessed (module docstring)."""
    sheet: str | None = None

    @classmethod
    def checked(cls, delimiter: str | None, encoding: str | None, sheet: str | None) -> ReadOptions:
        """The options with their usual spellings resolved; ImportOptionError if unusable."""
        if delimiter is not None:
            delimiter = DELIMITER_NAMES.get(delimiter.lower(), delimiter)
            if len(delimiter) != 1:
                raise ImportOptionError(
                    f"--delimiter {delimiter!r}: give one character such as ';' or '|', or tab."
                )
        if encoding is not None:
            try:
                encoding = codecs.lookup(encoding).name
            except LookupError:
                raise ImportOptionError(
                    f"--encoding {encoding!r} is not a text encoding Vigie knows; "
                    f"use e.g. {ENCODING_EXAMPLES}."
                ) from None
            if encoding == "utf-8-sig":  # a BOM is skipped anyway
                encoding = "utf-8"
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
    read_path: Path | None = None
    """CSV only: the UTF-8 file DuckDB reads, `path` itself or a temporary copy."""
    notes: list[str] = field(default_factory=list)
    """How the file was read when the user did not say (an encoding guessed): import warnings."""
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
        short = "error_type = 'MISSING COLUMNS'"  # one reject per missing field: say it once
        long = "error_type = 'TOO MANY COLUMNS'"
        rows = con.execute(
            f"SELECT line_byte_position, any_value(csv_line), min(column_idx) FILTER ({short}), "
            f"max(column_idx) FILTER ({long}), string_agg(DISTINCT error_message, '; ') "
            f"FILTER (NOT {short} AND NOT {long}) FROM {self.rejects} "
            "GROUP BY line_byte_position ORDER BY line_byte_position"
        ).fetchall()
        if not rows:
            return []
        assert self.read_path is not None
        lines = _lines_at_offsets(self.read_path, [int(r[0]) for r in rows])
        width = len(self.columns)
        footer = _footer_start(self.read_path) if width > 1 else None
        if footer is not None:  # a report's footer (totals, "Generated by", copyright): skipped
            skipped = [r[1] for r, line in zip(rows, lines, strict=True) if line >= footer]
            first = next((t.strip().strip('"') for t in skipped if t.strip().strip('"')), "")
            self.notes.append(
                f"{self.path}: the lines from {footer} on hold one field each after the rows, "
                f"like a report's footer, and were skipped ({first[:60]!r})."
            )
            kept = [(r, n) for r, n in zip(rows, lines, strict=True) if n < footer]
            rows, lines = [r for r, _ in kept], [n for _, n in kept]
        problems = []
        for (_, text, fewer, more, message), line in zip(rows, lines, strict=True):
            if fewer is not None:
                message = (
                    f"the row has {fewer} field(s), the header {width}: a footer, a totals line "
                    "or a cut row? Remove it from the file"
                )
            elif more is not None:
                message = (
                    f"the row has {more} fields, the header {width}: a value holding the "
                    "delimiter without quotes?"
                )
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
        if self.read_path not in (None, self.path):
            self.read_path.unlink(missing_ok=True)


def open_source(con: duckdb.DuckDBPyConnection, path: Path, options: ReadOptions) -> Source:
    """Open `path` by its extension; unreadable files come back with a file-level problem."""
    compressed = _compressed(path)
    suffix = Path(path.stem if compressed else path.name).suffix.lower()
    if path.is_dir():
        return _failed(path, "this is a folder: give the files in it (e.g. folder/*.csv)")
    if not path.is_file():
        return _failed(path, "file not found")
    if suffix in (".csv", ".txt", ".tsv"):
        return _open_csv(path, options)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return _open_json(con, path, lines=suffix != ".json")
    if suffix == ".parquet" and not compressed:
        return _open_parquet(con, path)
    if suffix == ".xlsx" and not compressed:
        return _open_xlsx(con, path, options.sheet)
    return _failed(
        path,
        f"unsupported file type {suffix + ('.gz' if compressed else '')!r}; use .csv, "
        ".parquet, .xlsx, .json, .jsonl or .ndjson (text formats may be gzipped: .csv.gz)",
    )


def _compressed(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def _failed(path: Path, reason: str) -> Source:
    return Source(path, "none", (), "", [Problem(str(path), None, None, None, reason)])


def _open_csv(path: Path, options: ReadOptions) -> Source:
    try:
        read_path, notes = _utf8_file(path, options.encoding)
    except _Unreadable as exc:
        return _failed(path, str(exc))
    except (OSError, EOFError) as exc:  # a damaged .gz
        return _failed(path, f"cannot read the file: {exc}")
    with read_path.open(encoding="utf-8-sig", newline="") as f:
        hint = SEPARATOR_HINT.fullmatch(f.readline().rstrip("\r\n"))
        if not hint:
            f.seek(0)
        starts, top = [], []  # the first lines, to find the header below any title
        while len(top) < HEADER_SEARCH_ROWS:
            starts.append(f.tell())
            if not (line := f.readline()):
                break
            top.append(line)
        given = options.delimiter or (hint and hint[1])
        parsed = [_fields(line, given or _guess_delimiter(line)) for line in top]
        skip = _header_index(parsed)
        delimiter = given or _guess_delimiter(top[skip] if top else "")
        f.seek(starts[skip])
        reader = csv.reader(f, delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            header = None
            problem = f"cannot read the header: {exc}"
        else:
            problem = "the file is empty: a header line is required"
        skip += 1 if hint else 0
        header_lines = reader.line_num + skip
    if title := [" ".join(fields) for fields in parsed[: skip - (1 if hint else 0)]]:
        notes.append(_title_note(path, "line", skip, title))
    if not header:
        if read_path != path:
            read_path.unlink()
        return _failed(path, problem)
    columns, problems = _header_names(path, header)
    source = Source(path, "csv", columns, "", problems, read_path=read_path, notes=notes)
    if problems:
        return source
    column_types = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns) + "}"
    base = (
        f"read_csv({literal(str(read_path))}, columns={column_types}, header=true, "
        f"auto_detect=false, delim={literal(delimiter)}, quote='\"', escape='\"', "
        f"encoding='utf-8', ignore_errors=true, skip={skip}"
    )
    rejects = "__vigie_rejects_" + uuid.uuid4().hex
    relation = (
        f"{base}, store_rejects=true, "
        f"rejects_table={literal(rejects)}, rejects_scan={literal(rejects + '_scan')})"
    )
    # Failure path only: a streaming row_number() is exact but single-threaded.
    line_relation = f"(SELECT row_number() OVER () AS {ROW}, * FROM {base}))"
    return replace(
        source,
        relation=relation,
        header_lines=header_lines,
        rejects=rejects,
        line_relation=line_relation,
    )


class _Unreadable(Exception):
    """The file's text cannot be decoded as given or guessed; the message says what to do."""


def _utf8_file(path: Path, encoding: str | None) -> tuple[Path, list[str]]:
    """The UTF-8 file DuckDB reads for CSV `path` (itself or a temporary copy), and notes."""
    compressed = _compressed(path)
    with _open_bytes(path) as f:
        start = f.read(2)
    if encoding is None and start in UTF16_BOMS:
        encoding = "utf-16"
    if encoding in (None, "utf-8"):
        invalid = _first_invalid_utf8(path)
        if invalid is None:
            return (_utf8_copy(path, "utf-8-sig") if compressed else path), []
        line, byte = invalid
        if encoding is not None:
            raise _Unreadable(
                f"line {line} is not UTF-8 (byte 0x{byte:02X}); give the file's encoding, "
                f"e.g. --encoding cp1252 (Windows, Excel)"
            )
        try:
            copy = _utf8_copy(path, FALLBACK_ENCODING)
        except UnicodeDecodeError:
            raise _Unreadable(
                f"line {line} is not UTF-8 (byte 0x{byte:02X}), and the file is not "
                f"Windows-1252 either; give its encoding with --encoding ({ENCODING_EXAMPLES})"
            ) from None
        return copy, [
            f"{path}: not UTF-8 (line {line}, byte 0x{byte:02X}); read as Windows-1252, the "
            "encoding of Excel's CSV files on Windows. If letters look wrong, import it again "
            f"with its --encoding ({ENCODING_EXAMPLES})."
        ]
    try:
        return _utf8_copy(path, encoding), []
    except UnicodeDecodeError as exc:
        raise _Unreadable(
            f"cannot be read as {encoding} ({exc.reason} at byte 0x{exc.object[exc.start]:02X}); "
            f"give the file's encoding with --encoding ({ENCODING_EXAMPLES})"
        ) from None


def _open_bytes(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if _compressed(path) else path.open("rb")


def _chunks(f: IO[bytes]) -> Iterator[bytes]:
    """The file in ~1 MB pieces that end at a line end (never inside a character)."""
    while chunk := f.read(COPY_CHUNK_BYTES):
        yield chunk + f.readline()


def _first_invalid_utf8(path: Path) -> tuple[int, int] | None:
    """(line, byte value) of the first byte that is not UTF-8, or None."""
    lines = 0
    with _open_bytes(path) as f:
        for chunk in _chunks(f):
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                return lines + chunk.count(b"\n", 0, exc.start) + 1, chunk[exc.start]
            lines += chunk.count(b"\n")
    return None


def _utf8_copy(path: Path, encoding: str) -> Path:
    """`path` decompressed and re-encoded as UTF-8 in a temporary file (the caller removes it)."""
    handle, name = tempfile.mkstemp(prefix="vigie-import-", suffix=".csv")
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with _open_bytes(path) as f, os.fdopen(handle, "wb") as out:
            while chunk := f.read(COPY_CHUNK_BYTES):
                out.write(decoder.decode(chunk).encode("utf-8"))
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
    except BaseException:
        Path(name).unlink()
        raise
    return Path(name)


def _fields(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def _header_index(rows: list[Sequence[object]]) -> int:
    """Index of the header among a file's first rows: the first naming two or more columns
    and at least as many as the next non-blank row fills.

    Reports saved from a spreadsheet or a CRM often start with a title, a date, a filter
    line or a group header over some columns (`Accounts by owner`, then a blank line) above
    the header, which names every column. A file without such rows: its header is the first
    (a data row with one field too many further down does not move it).
    """
    filled = [(i, n) for i, row in enumerate(rows) if (n := _filled(row))]  # blank rows out
    for k, (index, count) in enumerate(filled):
        following = filled[k + 1][1] if k + 1 < len(filled) else 0
        if count >= 2 and count >= following:
            return index
    return 0


def _filled(row: Sequence[object]) -> int:
    return sum(1 for value in row if value is not None and str(value).strip())


def _title_note(path: Path, unit: str, count: int, title: list[str]) -> str:
    """The import warning for the rows skipped above the header; `title` their text."""
    first = next((t.strip() for t in title if t.strip()), "")
    return (
        f"{path}: the header is {unit} {count + 1}; the {unit}(s) above it look like a title "
        f"and were skipped ({first[:60]!r})."
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


def _open_json(con: duckdb.DuckDBPyConnection, path: Path, lines: bool) -> Source:
    """JSON lines (`lines`), a JSON array of objects, or an API's page wrapping one (Stripe's
    `{"object": "list", "data": [...]}`, HubSpot's `{"results": [...]}`): every key read as JSON,
    so a key that mixes types never fails the read."""
    form = "newline_delimited" if lines else "auto"
    reader = f"read_json({literal(str(path))}, format={literal(form)}"
    try:
        # every record is read for its keys: a key first seen late in the file still counts
        described = con.execute(f"DESCRIBE SELECT * FROM {reader}, sample_size=-1)").fetchall()
        wrapper = None if lines else _records_key(con, reader, described)
        if wrapper is None:
            columns = tuple(row[0] for row in described)
            column_types = "{" + ", ".join(f"{literal(c)}: 'JSON'" for c in columns) + "}"
            records = f"{reader}, columns={column_types})"
        else:
            columns, records = _wrapped_records(con, reader, wrapper)
    except duckdb.Error as exc:
        return Source(path, "none", (), "", [_json_problem(path, lines, exc)])
    select = ", ".join(
        f"CASE json_type({ident(c)}) WHEN 'VARCHAR' THEN json_extract_string({ident(c)}, '$') "
        f"WHEN 'ARRAY' THEN array_to_string(json_extract_string({ident(c)}, '$[*]'), '|') "
        f"WHEN 'NULL' THEN NULL ELSE CAST({ident(c)} AS VARCHAR) END AS {ident(c)}"
        for c in columns
    )
    return Source(path, "json", columns, f"(SELECT {select} FROM {records})")


def _records_key(
    con: duckdb.DuckDBPyConnection, reader: str, described: list[tuple[Any, ...]]
) -> str | None:
    """The key holding the records when the file is one object with one list of objects."""
    lists = [row[0] for row in described if re.fullmatch(r"STRUCT\(.*\)\[\]", row[1])]
    if len(lists) != 1:
        return None
    [(objects,)] = con.execute(f"SELECT count(*) FROM {reader})").fetchall()
    return lists[0] if objects == 1 else None


def _wrapped_records(
    con: duckdb.DuckDBPyConnection, reader: str, key: str
) -> tuple[tuple[str, ...], str]:
    """The records under `key` as JSON columns, keys in the order they first appear."""
    items = (
        f"(SELECT unnest(from_json({ident(key)}, '[\"JSON\"]')) AS rec "
        f"FROM {reader}, columns={{{literal(key)}: 'JSON'}}))"
    )
    keys = con.execute(
        f"SELECT key FROM (SELECT n, unnest(json_keys(rec)) AS key, "
        f"generate_subscripts(json_keys(rec), 1) AS i "
        f"FROM (SELECT rec, row_number() OVER () AS n FROM {items})) "
        f"GROUP BY key ORDER BY min(n), min(i)"
    ).fetchall()
    columns = tuple(k for (k,) in keys)
    paths = ", ".join(f"json_extract(rec, {literal(_json_path(c))}) AS {ident(c)}" for c in columns)
    return columns, f"(SELECT {paths} FROM {items})"


def _json_path(key: str) -> str:
    """A path to one key, whatever it holds (`$`, `/`, quotes)."""
    return '$."' + key.replace('"', '\\"') + '"'


def _json_problem(path: Path, lines: bool, exc: duckdb.Error) -> Problem:
    """The first record Python's json cannot read, with its line (DuckDB's message shows its
    own SQL); else DuckDB's reason."""
    with _open_bytes(path) as f:
        records = enumerate(f, start=1) if lines else [(1, f.read())]
        for number, text in records:
            if lines and not text.strip():
                continue
            try:
                json.loads(text)
            except json.JSONDecodeError as error:
                where = number if lines else error.lineno
                shown = text.decode("utf-8", "replace").strip()[:80] if lines else None
                column = error.pos + 1 if lines else error.colno  # a record: one line
                reason = f"not valid JSON: {error.msg} at character {column}"
                return Problem(str(path), where, None, shown, reason)
            except ValueError as error:  # not UTF-8
                return Problem(str(path), number, None, None, f"not valid JSON: {error}")
    what = "valid JSON lines" if lines else "a valid JSON array of objects, nor JSON lines"
    return Problem(str(path), None, None, None, f"not {what}: {str(exc).splitlines()[0]}")


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
        top = list(islice(rows, HEADER_SEARCH_ROWS))
        skip = _header_index(top)
        header = top[skip] if top else None
        if not header or all(v is None for v in header):
            return _failed(path, "the first row must hold the column names")
        columns, problems = _header_names(path, [_cell_text(v) or "" for v in header])
        if problems:
            return Source(path, "xlsx", columns, "", problems)
        data = chain(top[skip + 1 :], rows)
        table = pa.Table.from_batches(
            _xlsx_batches(data, columns, skip + 2), schema=_text_schema(columns)
        )
        title = [" ".join(str(v) for v in row if v is not None) for row in top[:skip]]
    finally:
        workbook.close()
    name = "__vigie_xlsx_" + uuid.uuid4().hex
    con.register(name, table)
    notes = [_title_note(path, "row", skip, title)] if title else []
    return Source(path, "xlsx", columns, ident(name), registered=name, numbered=True, notes=notes)


def _text_schema(columns: tuple[str, ...]) -> pa.Schema:
    return pa.schema([(ROW, pa.int64())] + [(c, pa.string()) for c in columns])


def _xlsx_batches(
    rows: Iterator[tuple], columns: tuple[str, ...], first: int
) -> Iterator[pa.RecordBatch]:
    """Non-empty sheet rows in batches; `__row` is the sheet's row number (`first`: the row
    after the header)."""
    numbered = enumerate(rows, start=first)
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


FOOTER_SEARCH_BYTES = 65536
"""How far from the end a report's footer is looked for."""


def _footer_start(path: Path) -> int | None:
    """The first line of the block that ends a CSV file with one field per line at most
    (blank, `""`, `Grand Totals (60 records)`, `"Generated By: ..."`: how Salesforce and
    other report tools end an export), when a line of it holds text; else None."""
    with path.open("rb") as f:
        newlines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        size = f.tell()
        f.seek(max(0, size - FOOTER_SEARCH_BYTES))
        tail = f.read()
    count = newlines + (0 if tail.endswith(b"\n") else 1)
    lines = tail.decode("utf-8", errors="replace").splitlines()[1:]  # the first may be cut
    block = list(takewhile(_one_field_at_most, reversed(lines)))
    if not any(line.strip().strip('"').strip() for line in block):
        return None
    return count - len(block) + 1


def _one_field_at_most(line: str) -> bool:
    """No delimiter splits it (`A2,` is a row with an empty name, not a footer)."""
    return all(len(next(csv.reader([line], delimiter=d), [])) <= 1 for d in CSV_DELIMITERS)


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
