"""The derived `texts` table: one scored row per source row that has free text.

It is written at import time next to the source rows (see `vigie.tone.rows`),
so scorecard metrics and signals read numbers, never re-score words. Any
computation as of D reads only texts with `written_at < D`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.datatypes as idt
import ibis.expr.types as ir

from vigie.workspace import Workspace

TEXTS_TABLE = "texts"
TONE_EDGE = 0.05
"""VADER's convention: a tone <= -0.05 reads negative, >= 0.05 positive, neutral between."""

TEXTS_SCHEMA: ibis.Schema = ibis.schema(
    {
        "text_id": idt.string,
        "account_id": idt.string,
        "source": idt.string,
        "source_id": idt.string,
        "contact_id": idt.string,
        "direction": idt.string,
        "written_at": idt.Timestamp(scale=6),
        "language": idt.string,
        "tone": idt.float64,
        "scorer": idt.string,
        "intents": idt.Array(idt.string),
        "intent_phrases": idt.Array(idt.string),
        "excerpt": idt.string,
    }
)

RECENT_COLUMNS = (
    "text_id",
    "source",
    "written_at",
    "language",
    "tone",
    "intents",
    "intent_phrases",
    "excerpt",
    "contact_id",
    "direction",
)


def ensure_texts_table(workspace: Workspace) -> None:
    """Create the empty `texts` table if the workspace has none yet (before a first import)."""
    if TEXTS_TABLE not in workspace.con.list_tables():
        workspace.con.create_table(TEXTS_TABLE, schema=TEXTS_SCHEMA)


def texts_table(workspace: Workspace) -> ir.Table:
    """The workspace's `texts` table, or an empty one with the same schema if none exists yet."""
    if TEXTS_TABLE in workspace.con.list_tables():
        return workspace.con.table(TEXTS_TABLE)
    return ibis.memtable(TEXTS_SCHEMA.to_pyarrow().empty_table())


def recent_texts(
    workspace: Workspace, account_id: str, as_of: dt.date | None, limit: int = 10
) -> list[dict[str, Any]]:
    """The account's newest texts written before `as_of` (all of them when None), newest first."""
    texts = texts_table(workspace)
    rows = texts.filter(texts.account_id == account_id)
    if as_of is not None:
        midnight = dt.datetime.combine(as_of, dt.time())
        rows = rows.filter(rows.written_at < ibis.literal(midnight, type=idt.Timestamp(scale=6)))
    rows = rows.order_by([ibis.desc("written_at"), "text_id"]).limit(limit)
    return rows.select(*RECENT_COLUMNS).to_pyarrow().to_pylist()


def tone_band(tone: float | None) -> str | None:
    """negative / neutral / positive for display; None for a text with no tone (other language)."""
    if tone is None or tone != tone:
        return None
    return "negative" if tone <= -TONE_EDGE else "positive" if tone >= TONE_EDGE else "neutral"
