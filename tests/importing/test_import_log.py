"""Every import that writes is logged with its counts and author; dry runs and refused files are not."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_import import FILES, NOW

from vigie.errors import ImportValidationError
from vigie.io import import_files
from vigie.io.import_log import last_imports
from vigie.workspace import Workspace


def test_the_last_import_of_each_table_with_its_counts_and_author(ws: Workspace) -> None:
    import_files(ws, "tickets", [FILES / "tickets.csv"], now=NOW, author="ops@example.com")
    import_files(ws, "tickets", [FILES / "tickets.csv"], mode="upsert", now=NOW, author="bob")
    last = last_imports(ws)
    assert set(last) == {"accounts", "tickets"}
    tickets = last["tickets"]
    assert (tickets["mode"], tickets["author"]) == ("upsert", "bob")
    assert (tickets["rows_read"], tickets["inserted"], tickets["updated"]) == (2, 0, 2)
    assert tickets["files"] == str(FILES / "tickets.csv")
    assert last["accounts"]["inserted"] == 3


def test_dry_runs_and_refused_imports_are_not_logged(ws: Workspace, tmp_path: Path) -> None:
    before = last_imports(ws)
    import_files(ws, "tickets", [FILES / "tickets.csv"], now=NOW, dry_run=True)
    bad = tmp_path / "tickets.csv"
    bad.write_text("ticket_id,account_id,opened_at\nT9,NOPE,2024-01-01\n")
    with pytest.raises(ImportValidationError):
        import_files(ws, "tickets", [bad], now=NOW)
    assert last_imports(ws) == before
