"""From source rows to `texts` rows: which column is the text, the id, the author side, the date.

Works on any DuckDB relation holding rows of a canonical table (an import's
staging view, or the workspace table itself for `vigie tone rescore`), so
the rows are built in SQL and only the text column travels to Python. Every
name pasted into the SQL here is a canonical column or a constant, never user
input. (This module does not import vigie.io: the importer imports it.)
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from vigie.tone.scoring import ToneScorer
from vigie.tone.store import TEXTS_SCHEMA

EXCERPT_CHARS = 200


@dataclass(frozen=True)
class TextSource:
    """How one canonical table maps to `texts` rows (SQL expressions over its columns)."""

    source: str
    source_id: str
    text: str
    contact_id: str
    direction: str
    written_at: str

    def text_id(self) -> str:
        return f"'{self.source}:' || ({self.source_id})"


def _clean(column: str) -> str:
    return f"NULLIF(trim(\"{column}\"), '')"


# Python's datetime.isoformat(): seconds, plus microseconds only when there are some.
_RATED_AT_ISO = (
    "CASE WHEN microsecond(rated_at) = 0 THEN strftime(rated_at, '%Y-%m-%dT%H:%M:%S') "
    "ELSE strftime(rated_at, '%Y-%m-%dT%H:%M:%S.%f') END"
)

SOURCES: dict[str, TextSource] = {
    "interactions": TextSource(
        "interaction", "interaction_id", _clean("notes"), "contact_id", "direction", "occurred_at"
    ),
    "tickets": TextSource(
        "ticket",
        "ticket_id",
        f"NULLIF(concat_ws('. ', {_clean('subject')}, {_clean('description')}), '')",
        "NULL",
        "'inbound'",
        "opened_at",
    ),
    "surveys": TextSource(
        "survey", "response_id", _clean("comment"), "contact_id", "'inbound'", "answered_at"
    ),
    "sentiments": TextSource(
        "sentiment",
        f"author || '|' || ({_RATED_AT_ISO})",
        _clean("comment"),
        "NULL",
        "'internal'",
        "rated_at",
    ),
}


def text_ids_sql(table: str, relation: str) -> str:
    """The text_id every row of `relation` has or would have, text or not (for deletes)."""
    return f"SELECT {SOURCES[table].text_id()} FROM {relation}"


def raw_texts(con: duckdb.DuckDBPyConnection, table: str, relation: str) -> pa.Table:
    """Rows of `relation` that hold text: the `texts` keys and the full text, not yet scored."""
    s = SOURCES[table]
    return con.execute(
        f"SELECT {s.text_id()} AS text_id, account_id, '{s.source}' AS source, "
        f"CAST({s.source_id} AS VARCHAR) AS source_id, CAST({s.contact_id} AS VARCHAR) AS contact_id, "
        f"CAST({s.direction} AS VARCHAR) AS direction, "
        f"CAST({s.written_at} AS TIMESTAMP) AS written_at, {s.text} AS text "
        f"FROM {relation} WHERE {s.text} IS NOT NULL"
    ).to_arrow_table()


def text_rows(raw: pa.Table, scorer: ToneScorer, keep_text: bool) -> pa.Table:
    """`texts` rows (TEXTS_SCHEMA) for raw texts; `excerpt` is NULL when text is not kept."""
    text = raw.column("text")
    scored = scorer.score(text.to_pylist())
    excerpt = pc.utf8_slice_codeunits(text, 0, EXCERPT_CHARS) if keep_text else None
    columns = {name: raw.column(name) for name in TEXTS_SCHEMA.names if name in raw.column_names}
    columns |= {name: scored.column(name) for name in scored.column_names}
    columns["excerpt"] = excerpt if excerpt is not None else pa.nulls(len(raw), pa.string())
    schema = TEXTS_SCHEMA.to_pyarrow()
    return pa.table({name: columns[name] for name in schema.names}).cast(schema)
