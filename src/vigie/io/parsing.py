"""Text to canonical types, as DuckDB expressions that give NULL when a value does not parse.

A value that is present as text but NULL once typed is a type problem; the
validation step finds those with one set-based query instead of per-row code.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass

from vigie.errors import ImportOptionError
from vigie.io.sql import literal, one_of, trimmed
from vigie.schema import Column, ColumnType

TRUE_WORDS = ("true", "1", "yes", "y", "t")
FALSE_WORDS = ("false", "0", "no", "n", "f")
# An explicit UTC offset after a time: "2024-05-01 10:00:00+02:00", "...T10:00-0500",
# "2024-05-01 10:00:00 +0100" (Zendesk, Delighted: a space before the offset).
OFFSET_PATTERN = r"[T ][0-9:.]+ ?([+-][0-9]{2}(:?[0-9]{2})?|Z| UTC)$"
SPACED_OFFSET = r" ([+-][0-9]{2}(:?[0-9]{2})?)$"
"""DuckDB reads an offset only when it follows the time directly: the space is removed."""
MINUTES_ONLY = r"([T ][0-9]{2}:[0-9]{2})([+-]|Z| UTC)"
"""A time without seconds before its zone (`10:00+02:00`), which DuckDB reads only with them."""

EPOCH_SECONDS = r"[0-9]{9,10}(\.[0-9]+)?"
EPOCH_MILLISECONDS = r"[0-9]{12,13}"
"""Unix times as billing and analytics exports write them (Stripe, Mixpanel, Segment):
seconds (1973-2286) or milliseconds; read as UTC."""

EXCEL_SERIAL = r"[0-9]{5}(\.[0-9]+)?"
"""Spreadsheet dates as serial days since 1899-12-30, the fraction the time of day: what a cell
shows once it lost its date format (years 1927-2173); read as local time, like a written one."""

EXPECTED = {
    ColumnType.INTEGER: "a whole number",
    ColumnType.FLOAT: "a number such as 1234.5",
    ColumnType.BOOLEAN: "true/false, yes/no, y/n, t/f or 1/0",
    ColumnType.DATE: "a date such as 2024-05-31",
    ColumnType.TIMESTAMP: "a timestamp such as 2024-05-31 14:30:00 (UTC) or with an offset",
    ColumnType.JSON: 'a JSON object such as {"tier": "gold"}',
}


@dataclass(frozen=True)
class DateReading:
    """How the files write dates and timestamps (`--date-format`, `--timezone`)."""

    format: str | None = None
    """strptime codes tried before ISO 8601, e.g. '%d/%m/%Y'."""
    timezone: str | None = None
    """IANA zone of timestamps written without an offset (None: UTC)."""

    @classmethod
    def checked(cls, date_format: str | None, timezone: str | None) -> DateReading:
        if timezone is not None:
            try:
                zoneinfo.ZoneInfo(timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ImportOptionError(
                    f"--timezone {timezone!r} is not a time zone; use an IANA name such as "
                    "Europe/Paris or America/New_York."
                ) from None
        return cls(date_format, timezone)

    def local(self, naive: str) -> str:
        """SQL of the naive timestamp `naive` (local time of the files) in UTC."""
        if self.timezone is None:
            return naive
        return f"(({naive} AT TIME ZONE {literal(self.timezone)}) AT TIME ZONE 'UTC')"


def duckdb_type(column: Column) -> str:
    """The DuckDB type a workspace table stores `column` as."""
    return {
        ColumnType.STRING: "VARCHAR",
        ColumnType.INTEGER: "BIGINT",
        ColumnType.FLOAT: "DOUBLE",
        ColumnType.BOOLEAN: "BOOLEAN",
        ColumnType.DATE: "DATE",
        ColumnType.TIMESTAMP: "TIMESTAMP",
        ColumnType.STRING_LIST: "VARCHAR[]",
        ColumnType.JSON: "VARCHAR",
    }[column.type]


def expected(column: Column, dates: DateReading) -> str:
    """What a valid value looks like, for problem messages."""
    text = EXPECTED[column.type]
    if dates.format and column.type in (ColumnType.DATE, ColumnType.TIMESTAMP):
        text += f", or in the format {dates.format!r}"
    return text


def _epoch(raw: str) -> str:
    """The UTC timestamp of a Unix time in seconds or milliseconds, else NULL."""
    return (
        f"CASE WHEN regexp_full_match({raw}, '{EPOCH_SECONDS}') "
        f"THEN to_timestamp(try_cast({raw} AS DOUBLE)) AT TIME ZONE 'UTC' "
        f"WHEN regexp_full_match({raw}, '{EPOCH_MILLISECONDS}') "
        f"THEN epoch_ms(try_cast({raw} AS BIGINT)) END"
    )


def _serial(raw: str) -> str:
    """The timestamp of a spreadsheet serial date (EXCEL_SERIAL), else NULL."""
    return (
        f"CASE WHEN regexp_full_match({raw}, '{EXCEL_SERIAL}') THEN TIMESTAMP '1899-12-30' + "
        f"to_seconds(CAST(round(try_cast({raw} AS DOUBLE) * 86400) AS BIGINT)) END"
    )


def typed(column: Column, raw: str, dates: DateReading) -> str:
    """SQL turning the text expression `raw` into the column's type (NULL if it does not parse)."""
    kind = column.type
    if kind == ColumnType.STRING and column.allowed:
        return _folded(raw, column.allowed)
    if kind in (ColumnType.STRING, ColumnType.JSON):
        return raw
    if kind == ColumnType.INTEGER:
        return (
            f"CASE WHEN regexp_full_match({raw}, '[+-]?[0-9]+(\\.0*)?') "
            f"THEN try_cast({raw} AS BIGINT) END"
        )
    if kind == ColumnType.FLOAT:
        return f"CASE WHEN isfinite(try_cast({raw} AS DOUBLE)) THEN try_cast({raw} AS DOUBLE) END"
    if kind == ColumnType.BOOLEAN:
        return (
            f"CASE WHEN {one_of(f'lower({raw})', TRUE_WORDS)} THEN true "
            f"WHEN {one_of(f'lower({raw})', FALSE_WORDS)} THEN false END"
        )
    if kind == ColumnType.DATE:
        iso = (
            f"coalesce(try_cast({raw} AS DATE), CAST({_epoch(raw)} AS DATE), "
            f"CAST({_serial(raw)} AS DATE))"
        )
        if dates.format is None:
            return iso
        return f"coalesce(CAST({_strptime(raw, dates.format)} AS DATE), {iso})"
    if kind == ColumnType.TIMESTAMP:
        iso = (
            f"CASE WHEN regexp_matches({raw}, '{OFFSET_PATTERN}') "
            f"THEN try_cast(regexp_replace(regexp_replace({raw}, '{SPACED_OFFSET}', '\\1'), "
            f"'{MINUTES_ONLY}', '\\1:00\\2') AS TIMESTAMPTZ) "
            "AT TIME ZONE 'UTC' "
            f"ELSE coalesce({dates.local(f'try_cast({raw} AS TIMESTAMP)')}, {_epoch(raw)}, "
            f"{dates.local(_serial(raw))}) END"
        )
        if dates.format is None:
            return iso
        parsed = _strptime(raw, dates.format)
        if not _has_offset(dates.format):  # local time of the files
            parsed = dates.local(parsed)
        return f"coalesce({parsed}, {iso})"
    if kind == ColumnType.STRING_LIST:
        item = f"nullif({trimmed('x')}, '')"
        if column.allowed:
            item = _folded(item, column.allowed)
        return (
            f"list_filter(list_transform(string_split({raw}, '|'), x -> {item}), "
            "x -> x IS NOT NULL)"
        )
    raise AssertionError(kind)


def _folded(sql: str, allowed: tuple[str, ...]) -> str:
    """A value of a fixed list (all lower case) whatever its case: 'Call' is 'call'."""
    return f"CASE WHEN {one_of(f'lower({sql})', allowed)} THEN lower({sql}) ELSE {sql} END"


def _has_offset(date_format: str) -> bool:
    return "%z" in date_format or "%Z" in date_format


def _strptime(raw: str, date_format: str) -> str:
    """Parse with the user's format, or its date part alone (a CRM writing `6/14/2024 2:05 PM`
    in one column and `6/14/2024` in another); a format with an offset (%z) is converted to
    UTC."""
    time = re.search(r"[ T]?%[HIMSfpzZ]", date_format)
    formats = [date_format]
    if time and time.start() > 0 and not _has_offset(date_format):
        formats.append(date_format[: time.start()])
    parsed = f"try_strptime({raw}, [{', '.join(literal(f) for f in formats)}])"
    if _has_offset(date_format):
        return f"({parsed} AT TIME ZONE 'UTC')"
    return parsed
