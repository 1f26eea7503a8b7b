"""The same import path on PostgreSQL: staging in DuckDB, keys pulled, write through Ibis."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
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


def test_rows_written_with_copy_equal_duckdb(postgres_con: BaseBackend, tmp_path: Path) -> None:
    """COPY carries quotes, commas, line breaks, JSON, NULLs and empty texts as DuckDB stores
    them; a list column (sentiments.reasons) goes through Ibis."""
    pg = Workspace.from_connection(tmp_path / "pg", postgres_con)
    duck = Workspace.init(tmp_path / "duck")
    tricky = tmp_path / "accounts.csv"
    tricky.write_text(
        'account_id,name,segment,Region\nQ1,"Acme, ""Inc""",,EU\nQ2,"two\nlines",smb,\n'
    )
    for ws in (pg, duck):
        import_files(ws, "accounts", [FILES / "accounts.csv", tricky], now=NOW)
        import_files(ws, "tickets", [FILES / "tickets.csv"], now=NOW)
        import_files(ws, "sentiments", [FILES / "sentiments.jsonl"], now=NOW)
    for table, key in (
        ("accounts", "account_id"),
        ("tickets", "ticket_id"),
        ("sentiments", "rated_at"),
    ):
        a, b = (
            w.table(table).to_pandas().sort_values(key).reset_index(drop=True) for w in (pg, duck)
        )
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    duck.close()


def test_an_unknown_parent_is_reported_on_postgres(
    postgres_con: BaseBackend, tmp_path: Path
) -> None:
    """The stored keys are copied into the staging DuckDB as a table: finding the rows that
    name an unknown key made DuckDB push a bloom filter into a registered Arrow scan, which
    refused it (a crash instead of the problem)."""
    ws = Workspace.from_connection(tmp_path / "ws", postgres_con)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "account_id,name,parent_account_id\n"
        + "".join(f"A{i},N{i},{'A0' if i % 10 else ''}\n" for i in range(30))
        + "A30,N30,GONE\n"
    )
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "accounts", [accounts], now=NOW)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.value) == (32, "parent_account_id", "GONE")


def test_skip_unknown_accounts_on_postgres(postgres_con: BaseBackend, tmp_path: Path) -> None:
    ws = Workspace.from_connection(tmp_path / "ws", postgres_con)
    import_files(ws, "accounts", [FILES / "accounts.csv"], now=NOW)
    events = tmp_path / "events.csv"
    events.write_text("account_id,event,occurred_at\nA1,login,2024-06-01\ntrial,login,2024-06-01\n")
    report = import_files(ws, "usage_events", [events], skip_unknown_accounts=True, now=NOW)
    assert (report.skipped_unknown, report.inserted) == (1, 1)
    assert ws.table("usage_events").account_id.to_pyarrow().to_pylist() == ["A1"]
