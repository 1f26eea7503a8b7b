"""The same import path on PostgreSQL: staging in DuckDB, keys pulled, write through Ibis."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import ibis
import pytest
from helpers_import import FILES, NOW

from vigie.errors import ImportValidationError
from vigie.io import import_files
from vigie.workspace import Workspace

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def postgres_dir() -> Iterator[str]:
    """A throwaway server listening only on a unix socket in its own folder."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not binaries:
        pytest.skip("PostgreSQL server binaries are not installed")
    pg = binaries[-1]
    folder = tempfile.mkdtemp(prefix="vigie-pg-")
    shutil.chown(folder, "postgres", "postgres")

    def run(*args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True)

    run(str(pg / "initdb"), "-D", f"{folder}/data", "-U", "postgres", "-A", "trust", "--no-sync")
    run(
        str(pg / "pg_ctl"),
        "-D",
        f"{folder}/data",
        "-l",
        f"{folder}/log",
        "-w",
        "-o",
        f"-k {folder} -c listen_addresses='' -c fsync=off",
        "start",
    )
    yield folder
    run(str(pg / "pg_ctl"), "-D", f"{folder}/data", "-m", "immediate", "-w", "stop")
    shutil.rmtree(folder, ignore_errors=True)


def test_import_on_postgres_validates_upserts_and_stays_atomic(
    postgres_dir: str, tmp_path: Path
) -> None:
    con = ibis.postgres.connect(host=postgres_dir, port=5432, user="postgres", database="postgres")
    ws = Workspace.from_connection(tmp_path / "ws", con)
    try:
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
    finally:
        con.disconnect()
