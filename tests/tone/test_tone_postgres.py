"""On PostgreSQL the texts rows are written through Ibis right after the source rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from ibis.backends import BaseBackend
from tone_helpers import NOW, write_csv

from vigie.io import ImportMode, import_files
from vigie.tone.store import texts_table
from vigie.workspace import Workspace

pytestmark = pytest.mark.postgres

HEADER = ("ticket_id", "account_id", "opened_at", "subject")


def test_texts_follow_append_upsert_replace_and_no_text_on_postgres(
    postgres_con: BaseBackend, tmp_path: Path
) -> None:
    ws = Workspace.from_connection(tmp_path / "ws", postgres_con)
    accounts = write_csv(tmp_path / "a.csv", [("account_id", "name"), ("A1", "Acme")])
    import_files(ws, "accounts", [accounts], now=NOW)

    def tickets(name: str, *rows: tuple[str, ...]) -> Path:
        return write_csv(tmp_path / name, [HEADER, *rows])

    def stored() -> list[tuple[object, ...]]:
        t = texts_table(ws).order_by("text_id")
        return [
            tuple(r.values())
            for r in t.select("text_id", "intents", "excerpt").to_pyarrow().to_pylist()
        ]

    import_files(
        ws,
        "tickets",
        [
            tickets(
                "1.csv",
                ("T1", "A1", "2025-03-01", "Price too high"),
                ("T2", "A1", "2025-03-02", "Thanks"),
            )
        ],
        now=NOW,
    )
    import_files(
        ws,
        "tickets",
        [tickets("2.csv", ("T2", "A1", "2025-03-02", "We will cancel"))],
        mode=ImportMode.UPSERT,
        now=NOW,
    )
    assert stored() == [
        ("ticket:T1", ["price"], "Price too high"),
        ("ticket:T2", ["cancel"], "We will cancel"),
    ]
    import_files(
        ws,
        "tickets",
        [tickets("3.csv", ("T3", "A1", "2025-03-03", "Budget cut"))],
        mode=ImportMode.REPLACE,
        keep_text=False,
        now=NOW,
    )
    assert stored() == [("ticket:T3", ["budget"], None)]
    assert ws.table("tickets").subject.to_pyarrow().to_pylist() == [None]
