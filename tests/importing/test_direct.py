"""The one-pass import (`vigie.io.direct`): same rows, same refusals, never a partial write."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_import import FILES, NOW, rows, snapshot

from vigie.errors import ImportValidationError
from vigie.io import ImportMode, import_files
from vigie.io.direct import applies, insert_checked
from vigie.io.parsing import DateReading
from vigie.io.sources import ReadOptions
from vigie.io.sql import ident
from vigie.io.staging import Staging
from vigie.schema import get_table
from vigie.workspace import Workspace

HEADER = "account_id,user_id,event,occurred_at,quantity\n"


def _direct(ws: Workspace, paths: list[Path], mode: ImportMode) -> tuple[int, int, int] | None:
    staging = Staging(ws.con.con, get_table("usage_events"), None, DateReading(), ReadOptions())
    return insert_checked(staging, paths, mode, NOW.replace(tzinfo=None), lambda t, _: ident(t))


def test_only_tables_whose_rules_are_row_local_take_the_one_pass_path() -> None:
    events, accounts = get_table("usage_events"), get_table("accounts")
    assert applies(events, ImportMode.APPEND, dry_run=False, filtered=False)
    assert applies(events, ImportMode.REPLACE, dry_run=False, filtered=False)
    assert not applies(events, ImportMode.APPEND, dry_run=True, filtered=False)
    assert not applies(events, ImportMode.APPEND, dry_run=False, filtered=True)  # rows to count
    assert not applies(events, ImportMode.REPLACE_PERIOD, dry_run=False, filtered=False)
    # primary key, self-reference
    assert not applies(accounts, ImportMode.APPEND, dry_run=False, filtered=False)


def test_clean_files_are_inserted_in_file_order_with_defaults(
    ws: Workspace, tmp_path: Path
) -> None:
    second = tmp_path / "more.csv"
    second.write_text(HEADER + "A3,u9,export,2024-06-01T10:00:00+02:00,2.5\n")
    assert _direct(ws, [FILES / "usage_events.csv", second], ImportMode.APPEND) == (4, 0, 0)
    assert rows(
        ws, "SELECT account_id, user_id, occurred_at::VARCHAR, quantity FROM usage_events"
    ) == [
        ("A1", "u1", "2024-05-01 08:00:00", 1.0),
        ("A1", "u2", "2024-05-01 09:00:00", 3.0),
        ("A2", "u3", "2024-05-02 10:00:00", 1.0),
        ("A3", "u9", "2024-06-01 08:00:00", 2.5),
    ]
    assert _direct(ws, [second], ImportMode.REPLACE) == (1, 0, 4)
    assert rows(ws, "SELECT count(*) FROM usage_events") == [(1,)]


@pytest.mark.parametrize(
    "line",
    [
        "A9,u1,login,2024-05-01 08:00:00,1",  # unknown account
        ",u1,login,2024-05-01 08:00:00,1",  # required value empty
        "A1,u1,login,2030-01-01 00:00:00,1",  # in the future
        "A1,u1,login,2024-05-01 08:00:00,-2",  # negative
        "A1,u1,login,yesterday,1",  # not a timestamp
        "A1,u1,login,2024-05-01 08:00:00,1,extra",  # malformed CSV row
    ],
)
def test_any_broken_row_writes_nothing_even_after_a_clean_file(
    ws: Workspace, tmp_path: Path, line: str
) -> None:
    import_files(ws, "usage_events", [FILES / "usage_events.csv"], now=NOW)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "A2,u1,login,2024-05-01 08:00:00,1\n" + line + "\n")
    before = snapshot(ws)
    for mode in (ImportMode.APPEND, ImportMode.REPLACE):
        assert _direct(ws, [FILES / "usage_events.csv", bad], mode) is None
        assert snapshot(ws) == before


def test_a_refused_import_reports_the_staged_problems(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "A2,u1,login,2024-05-01 08:00:00,1\nA9,u1,login,2024-05-01,-1\n")
    before = snapshot(ws)
    with pytest.raises(ImportValidationError) as caught:
        import_files(ws, "usage_events", [FILES / "usage_events.csv", bad], now=NOW)
    assert [(p.file, p.line, p.column, p.value, p.reason) for p in caught.value.problems] == [
        (str(bad), 3, "account_id", "A9", "unknown account_id: not in accounts nor in this import"),
        (str(bad), 3, "quantity", "-1", "must not be negative"),
    ]
    assert snapshot(ws) == before
