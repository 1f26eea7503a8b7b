"""Quoting for the SQL text the importer hands to DuckDB.

Column names come from users' files ("Annual Revenue", "Nom du client"), so
every identifier and literal is quoted here, never pasted in raw.
"""

from __future__ import annotations

import sqlglot
import sqlglot.expressions as exp


def ident(name: str) -> str:
    """A DuckDB identifier, safe whatever characters the name holds."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A DuckDB string literal."""
    return "'" + value.replace("'", "''") + "'"


BLANKS = " \t\r\n\u00a0"
"""Trimmed from both ends of every value: spaces, tabs, line ends, non-breaking spaces (Excel)."""


def trimmed(sql: str) -> str:
    """The text expression `sql` without leading and trailing blanks, and without NUL
    characters (never meant in an export, and refused in text by PostgreSQL)."""
    return f"trim(replace({sql}, chr(0), ''), {literal(BLANKS)})"


def literal_list(values: tuple[str, ...] | list[str]) -> str:
    """A parenthesised list of string literals, for `IN (...)`."""
    return "(" + ", ".join(literal(v) for v in values) + ")"


def one_of(sql: str, values: tuple[str, ...]) -> str:
    """True when `sql` is one of `values`. Not `IN (...)`: DuckDB plans a list of five or more
    as a join, which loses the rows' order, and with it the line numbers of a staged file."""
    return f"list_contains([{', '.join(literal(v) for v in values)}], {sql})"


def expression_columns(text: str, dialect: str = "duckdb") -> list[str]:
    """The column names an SQL expression reads; raises sqlglot's ParseError if it is not SQL."""
    tree = sqlglot.parse_one(f"SELECT {text}", read=dialect)
    return sorted({c.name for c in tree.find_all(exp.Column)})
