"""Quoting for the SQL text the importer hands to DuckDB.

Column names come from users' files ("Annual Revenue", "Nom du client"), so
every identifier and literal is quoted here, never pasted in raw.
"""

from __future__ import annotations


def ident(name: str) -> str:
    """A DuckDB identifier, safe whatever characters the name holds."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A DuckDB string literal."""
    return "'" + value.replace("'", "''") + "'"


def literal_list(values: tuple[str, ...] | list[str]) -> str:
    """A parenthesised list of string literals, for `IN (...)`."""
    return "(" + ", ".join(literal(v) for v in values) + ")"
