"""The same import path on PostgreSQL: staging in DuckDB, keys pulled, write through Ibis."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_import import FILES, NOW
from ibis.backends import BaseBackend

from vigie.errors import ImportValidationError
from vigie.io import import_files
from vigie.workspace import Workspace

pytestmark = pytest.mark.postgres


def test_import_on_postgres_validates_upserts_and_stays_atomic(
    postgres_con: BaseBackend, tmp_path: Path
) -> None:
    ws = Workspace.from_connection(tmp_path / "ws", postgres_con)
    import_files(ws, "accounts", [FILES / "accounts.csv"], now=NOW)
    report = import_files(ws, "accounts", [FILES / "accounts.csv"], mode="upsert", now=NOW)
    assert (report.inserted, report.updated) == (0, 3)
    import_files(ws, "usage_events", [FILES / "usage_events.csv"], now=NOW)
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "usage_events", [FILES / "bad" / "usage_events_several.csv"], now=NOW)
    assert [(p.line, p.column) for p in caught.value.problems] == [
        (2, "quantity"),
        (3, "account_id"),
        (4, "event"),
    ]
    assert ws.table("accounts").count().execute() == 3
    assert ws.table("usage_events").count().execute() == 3
    week = tmp_path / "week.csv"  # the stored 2024-05-01 rows, re-exported with one more
    week.write_text(
        "account_id,event,occurred_at\nA1,login,2024-05-01 08:00\nA1,login,2024-05-01 09:00\n"
        "A1,login,2024-05-01 18:00\n"
    )
    report = import_files(ws, "usage_events", [week], mode="replace-period", now=NOW)
    assert (report.deleted, report.inserted) == (2, 3)
    assert ws.table("usage_events").count().execute() == 4
