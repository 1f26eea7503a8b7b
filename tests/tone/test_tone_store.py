"""The `texts` table contract: schema, empty fallback and point-in-time `recent_texts`."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from vigie.tone.store import TEXTS_SCHEMA, TEXTS_TABLE, recent_texts, texts_table
from vigie.workspace import Workspace


def _row(text_id: str, account: str, written: dt.datetime) -> dict[str, object]:
    source, _, source_id = text_id.partition(":")
    return {
        "text_id": text_id,
        "account_id": account,
        "source": source,
        "source_id": source_id,
        "contact_id": None,
        "direction": "inbound",
        "written_at": written,
        "language": "en",
        "tone": -0.5,
        "scorer": "default",
        "intents": ["cancel"],
        "intent_phrases": ["cancel"],
        "excerpt": "We will cancel.",
    }


def test_texts_table_is_empty_with_the_contract_schema_before_any_import(
    workspace: Workspace,
) -> None:
    table = texts_table(workspace)
    assert table.schema() == TEXTS_SCHEMA
    assert table.count().execute() == 0


def test_recent_texts_reads_only_before_as_of_newest_first(workspace: Workspace) -> None:
    rows = [
        _row("ticket:1", "A", dt.datetime(2025, 1, 1, 9)),
        _row("ticket:2", "A", dt.datetime(2025, 2, 1, 9)),
        _row("ticket:3", "A", dt.datetime(2025, 3, 1, 0)),  # on as_of: not yet known
        _row("ticket:4", "B", dt.datetime(2025, 1, 5)),
    ]
    data = pa.Table.from_pylist(rows, schema=TEXTS_SCHEMA.to_pyarrow())
    workspace.con.create_table(TEXTS_TABLE, data)
    recent = recent_texts(workspace, "A", dt.date(2025, 3, 1))
    assert [r["text_id"] for r in recent] == ["ticket:2", "ticket:1"]
    assert recent[0]["intents"] == ["cancel"] and recent[0]["direction"] == "inbound"
    assert [r["text_id"] for r in recent_texts(workspace, "A", None, limit=1)] == ["ticket:3"]
