"""Column mapping: from a file's columns (a CRM export) to a canonical table's columns.

A mapping file (`--map MAPPING.yaml`) renames and derives columns:

    date_format: "%d/%m/%Y"            # optional, like --date-format
    timezone: Europe/Paris             # optional, like --timezone
    decimal: ","                       # optional: 1.200,50 is 1200.5 (default ".": 1,200.50)
    columns:
      account_id: Account ID           # take a column of the file
      arr: {column: Annual Revenue}    # the same, long form
      currency: {value: EUR}           # a constant
      name: {expr: 'trim("Company") || '' '' || "Country"'}   # DuckDB SQL over file columns
    values:
      severity: {P1: critical, P2: high}   # recode values after renaming
    where: "\"Status\" NOT IN ('void', 'draft')"   # keep only these rows (DuckDB SQL)

Canonical columns the mapping does not name are taken from the file column of
the same name, or else of the same name but for case and separators (`Account ID`,
`Account_ID` and `account-id` are `account_id`). The mapping is checked before any file is read, and every
reference to a file column is checked against each file's header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from vigie.errors import MappingError
from vigie.io.sql import expression_columns, ident, literal, one_of, trimmed
from vigie.schema import Column, ColumnType, Table
from vigie.textfile import read_text_file

TOP_LEVEL_KEYS = ("columns", "values", "date_format", "timezone", "decimal", "where")
NO_VALUE_WORDS = ("n/a", "na", "#n/a", "null", "none", "nan")
"""Empty in a number, date or boolean column (in a text column they stay: `NA` is a region)."""
TEXTUAL_TYPES = (ColumnType.STRING, ColumnType.JSON, ColumnType.STRING_LIST)
CURRENCY = r"^(?:[A-Z]{3}|[A-Z]{0,2}[$€£¥])\s*|\s*(?:[A-Z]{3}|[$€£¥])$"
"""A currency written before or after an amount: a sign (`$`, `US$`, `€`) or an ISO code (`USD`)."""
CURRENCY_CODES = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
GROUPED = {
    ".": (r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?", (",",)),
    ",": (
        r"[+-]?[0-9]{1,3}([. \x{00a0}\x{202f}][0-9]{3})+(,[0-9]+)?|[+-]?[0-9]+,[0-9]+",
        (".", " ", "\u00a0", "\u202f"),
    ),
}
"""Per decimal mark: a number written with thousands separators (or, for ",", a decimal
comma), and the separators to remove. Only whole groups of three digits match: with ".",
`1,5` stays a type error rather than becoming 15."""
PLAIN_NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
"""A number without separators, once its currency is gone (else the value is reported as written)."""
RULE_KINDS = ("column", "value", "expr")


@dataclass(frozen=True)
class ColumnRule:
    """Where one canonical column comes from."""

    kind: str
    """One of RULE_KINDS."""
    text: str
    line: int


@dataclass(frozen=True)
class Mapping:
    path: Path
    columns: dict[str, ColumnRule]
    values: dict[str, dict[str, str | None]]
    date_format: str | None = None
    decimal: str = "."
    keep: ColumnRule | None = None
    timezone: str | None = None
    """`where:`, the condition on the file's columns a row must meet to be imported."""

    def where(self, key: str, line: int) -> str:
        return f"{self.path}:{line} key {key!r}"


@dataclass(frozen=True)
class ColumnPlan:
    """One file's columns resolved against a canonical table, as SQL text expressions."""

    raw: dict[str, str]
    """Canonical column -> SQL giving its text (NULL when empty); absent columns are missing."""
    extras: tuple[str, ...]
    """File columns that match no canonical column and no mapping rule."""
    missing_required: tuple[str, ...]
    given: tuple[str, ...] = ()
    """Columns the file or a mapping rule gives (not those only filled by a default)."""
    amounts: dict[str, str] = field(default_factory=dict)
    """Amount (float) column read from a file column -> SQL giving the text as written, whose
    currency sign or code the number drops (see `currency_of`)."""


def load_mapping(path: Path, table: Table) -> Mapping:
    """Parse and check a mapping file against `table`; every mistake names the file and key."""
    try:
        data = YAML(typ="rt").load(read_text_file(path))
    except OSError as exc:
        raise MappingError(f"Cannot read mapping file {path}: {exc}") from None
    except YAMLError as exc:
        raise MappingError(f"Mapping file {path} is not valid YAML: {exc}") from None
    if not isinstance(data, CommentedMap):
        raise MappingError(f"Mapping file {path} must be a YAML mapping with a 'columns:' key.")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise MappingError(
                f"{path}:{data.lc.key(key)[0] + 1} key {key!r}: unknown key; "
                f"use {', '.join(TOP_LEVEL_KEYS)}."
            )
    date_format = data.get("date_format")
    if date_format is not None and not isinstance(date_format, str):
        raise MappingError(f"{path} key 'date_format': must be a text such as '%d/%m/%Y'.")
    timezone = data.get("timezone")
    if timezone is not None and not isinstance(timezone, str):
        raise MappingError(f"{path} key 'timezone': must be a zone name such as Europe/Paris.")
    decimal = data.get("decimal", ".")
    if decimal not in GROUPED:
        raise MappingError(f"{path} key 'decimal': must be '.' (1,200.50) or ',' (1.200,50).")
    columns = _section(path, data, "columns")
    values = _section(path, data, "values")
    return Mapping(
        path,
        {name: _rule(path, table, columns, name) for name in columns},
        {name: _recoding(path, table, values, name) for name in values},
        date_format,
        decimal,
        _keep(path, data),
        timezone,
    )


def _keep(path: Path, data: CommentedMap) -> ColumnRule | None:
    if "where" not in data:
        return None
    line = data.lc.key("where")[0] + 1
    text = data["where"]
    if not isinstance(text, str) or not text.strip():
        raise MappingError(
            f"{path}:{line} key 'where': must be a SQL condition on the file's columns, "
            "e.g. \"Status\" <> 'void'."
        )
    _check_sql(f"{path}:{line} key 'where'", text)
    return ColumnRule("expr", text, line)


def _section(path: Path, data: CommentedMap, key: str) -> CommentedMap:
    section = data.get(key, CommentedMap())
    if section is None:
        return CommentedMap()
    if not isinstance(section, CommentedMap):
        raise MappingError(
            f"{path}:{data.lc.key(key)[0] + 1} key {key!r}: must map canonical column names."
        )
    return section


def _check_canonical(path: Path, table: Table, section: CommentedMap, key: str, name: str) -> int:
    line = section.lc.key(name)[0] + 1
    if name not in table.column_names:
        raise MappingError(
            f"{path}:{line} key '{key}.{name}': {table.name} has no column {name!r}; "
            f"its columns are: {', '.join(table.column_names)}."
        )
    return line


def _rule(path: Path, table: Table, section: CommentedMap, name: str) -> ColumnRule:
    line = _check_canonical(path, table, section, "columns", name)
    where = f"{path}:{line} key 'columns.{name}'"
    entry = section[name]
    if isinstance(entry, str):
        return ColumnRule("column", entry, line)
    if (
        not isinstance(entry, CommentedMap)
        or len(entry) != 1
        or next(iter(entry)) not in RULE_KINDS
    ):
        raise MappingError(
            f"{where}: give a file column name, or exactly one of "
            "{column: NAME}, {value: CONSTANT}, {expr: SQL}."
        )
    kind, text = next(iter(entry.items()))
    if text is None or isinstance(text, CommentedMap | list):
        raise MappingError(f"{where}: {kind} must be a single value.")
    if isinstance(text, bool):
        text = "true" if text else "false"
    if kind == "expr":
        _check_sql(where, str(text))
    return ColumnRule(kind, str(text), line)


def _check_sql(where: str, text: str) -> None:
    try:
        sqlglot.parse_one(f"SELECT {text}", read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise MappingError(f"{where}: expr is not valid SQL: {exc}") from None


def _recoding(path: Path, table: Table, section: CommentedMap, name: str) -> dict[str, str | None]:
    line = _check_canonical(path, table, section, "values", name)
    entry = section[name]
    if not isinstance(entry, CommentedMap) or any(
        isinstance(v, CommentedMap | list) for v in entry.values()
    ):
        raise MappingError(
            f"{path}:{line} key 'values.{name}': must map file values to canonical values, "
            "e.g. {P1: critical}."
        )
    # null or "" recodes to an empty value (NULL), e.g. {Offered: null} for a survey never answered
    return {str(k): None if v is None or str(v) == "" else str(v) for k, v in entry.items()}


def plan_columns(
    table: Table, file_columns: tuple[str, ...], file_name: str, mapping: Mapping | None
) -> ColumnPlan:
    """Resolve the canonical columns of one file, raising MappingError on a missing reference."""
    rules = mapping.columns if mapping else {}
    used: set[str] = set()
    raw: dict[str, str] = {}
    amounts: dict[str, str] = {}
    given: list[str] = []
    decimal = mapping.decimal if mapping else "."
    for column in table.columns:
        rule = rules.get(column.name)
        found = _file_column(column.name, file_columns) if rule is None else None
        written = found if rule is None else rule.text if rule.kind == "column" else None
        if column.type == ColumnType.FLOAT and written in file_columns:
            amounts[column.name] = _text(ident(written))
        if found is not None or rule is not None:
            given.append(column.name)
        if found is not None:
            used.add(found)
            raw[column.name] = _text(ident(found), column, decimal)
        elif rule is not None:
            raw[column.name] = _from_rule(rule, column, file_columns, file_name, mapping, used)
        elif column.default is not None:
            raw[column.name] = literal(_default_text(column.default))
        if column.default is not None and column.name in raw:  # empty cells take the default
            raw[column.name] = (
                f"coalesce({raw[column.name]}, {literal(_default_text(column.default))})"
            )
    if mapping:
        for name, recoding in mapping.values.items():
            if name in raw:
                raw[name] = _recode(raw[name], recoding, table.column(name).type)
    if mapping and mapping.keep:
        used.update(_referenced(mapping.keep, "where", file_columns, file_name, mapping))
    extras = tuple(c for c in file_columns if c not in used and c not in table.column_names)
    if table.extra_columns_to and extras:
        target = table.extra_columns_to
        raw[target] = _with_extras(raw.get(target), extras)
        given.append(target)
    missing = tuple(c.name for c in table.columns if c.required and c.name not in raw)
    return ColumnPlan(raw, extras, missing, tuple(given), amounts)


def currency_of(text: str) -> str:
    """SQL: the currency written around an amount, as an ISO code where a sign stands for one
    (`$950` and `USD 950` are one currency); '' for none."""
    sign = f"upper(trim(regexp_extract({text}, {literal(CURRENCY)})))"
    codes = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in CURRENCY_CODES.items())
    return f"CASE {sign} {codes} ELSE {sign} END"


def _file_column(name: str, file_columns: tuple[str, ...]) -> str | None:
    """The file's column for canonical column `name`: the same name, else the only one that
    differs from it just in case and separators."""
    if name in file_columns:
        return name
    alike = [c for c in file_columns if re.sub(r"[^0-9a-z]+", "_", c.lower()).strip("_") == name]
    return alike[0] if len(alike) == 1 else None


def _from_rule(
    rule: ColumnRule,
    column: Column,
    file_columns: tuple[str, ...],
    file_name: str,
    mapping: Mapping | None,
    used: set[str],
) -> str:
    """The text of one mapped column; every file column it names must exist."""
    assert mapping is not None
    if rule.kind == "value":
        return literal(rule.text)
    used.update(_referenced(rule, f"columns.{column.name}", file_columns, file_name, mapping))
    source = ident(rule.text) if rule.kind == "column" else f"CAST(({rule.text}) AS VARCHAR)"
    return _text(source, column, mapping.decimal)


def _referenced(
    rule: ColumnRule, key: str, file_columns: tuple[str, ...], file_name: str, mapping: Mapping
) -> list[str]:
    """The file columns `rule` reads; MappingError if the file lacks one."""
    referenced = [rule.text] if rule.kind == "column" else expression_columns(rule.text)
    for name in referenced:
        if name not in file_columns:
            quoting = (
                f' In an expr, "{name}" names a column; a text value is written in single '
                f"quotes: '{name}'."
                if rule.kind == "expr"
                else ""
            )
            raise MappingError(
                f"{mapping.where(key, rule.line)}: {file_name} has no column {name!r}; "
                f"its columns are: {', '.join(file_columns)}.{quoting}"
            )
    return referenced


def _text(sql: str, column: Column | None = None, decimal: str = ".") -> str:
    """Trimmed text, with empty strings as NULL; for a column typed other than text, also the
    words exports write for "no value" (N/A, NULL...); for a number, without its currency
    sign and thousands separators, with a decimal point (see GROUPED)."""
    text = f"nullif({trimmed(sql)}, '')"
    if column is None or column.type in TEXTUAL_TYPES:
        return text
    if column.type in (ColumnType.FLOAT, ColumnType.INTEGER):
        text = _number_text(text, decimal)
    return f"CASE WHEN {one_of(f'lower({text})', NO_VALUE_WORDS)} THEN NULL ELSE {text} END"


def _number_text(text: str, decimal: str) -> str:
    pattern, separators = GROUPED[decimal]
    bare = f"regexp_replace({text}, {literal(CURRENCY)}, '')"
    plain = bare
    for separator in separators:
        plain = f"replace({plain}, {literal(separator)}, '')"
    if decimal == ",":
        plain = f"replace({plain}, ',', '.')"
    return (
        f"CASE WHEN regexp_full_match({bare}, {literal(pattern)}) THEN {plain} "
        f"WHEN regexp_full_match({bare}, {literal(PLAIN_NUMBER)}) THEN {bare} ELSE {text} END"
    )


def _default_text(default: object) -> str:
    if isinstance(default, bool):
        return "true" if default else "false"
    return str(default)


def _recode(sql: str, recoding: dict[str, str | None], kind: ColumnType) -> str:
    """The value recoded, matched in any case (`customer` recodes `Customer`); in a list column
    (`a|b`), each item (an item recoded to null goes)."""
    cases = " ".join(
        f"WHEN {literal(k.lower())} THEN {'NULL' if v is None else literal(v)}"
        for k, v in recoding.items()
    )
    if kind == ColumnType.STRING_LIST:
        item = trimmed("x")
        return (
            f"array_to_string(list_transform(string_split({sql}, '|'), "
            f"x -> CASE lower({item}) {cases} ELSE {item} END), '|')"
        )
    return f"(CASE lower({sql}) {cases} ELSE {sql} END)"


def _with_extras(attributes: str | None, extras: tuple[str, ...]) -> str:
    """A JSON object of the extra columns' non-empty values, merged into `attributes` if given."""
    entries = ", ".join(f"struct_pack(k := {literal(c)}, v := {_text(ident(c))})" for c in extras)
    packed = (
        f"nullif(CAST(to_json(map_from_entries(list_filter([{entries}], "
        "e -> e.v IS NOT NULL))) AS VARCHAR), '{}')"
    )
    if attributes is None:
        return packed
    return (
        f"(CASE WHEN {attributes} IS NULL THEN {packed} "
        f"WHEN json_valid({attributes}) AND json_type({attributes}) = 'OBJECT' "
        f"THEN CAST(json_merge_patch({attributes}, coalesce({packed}, '{{}}')) AS VARCHAR) "
        f"ELSE {attributes} END)"
    )
