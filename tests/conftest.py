"""Shared fixtures: a fresh DuckDB workspace per test, and a throwaway PostgreSQL server."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import ibis
import pytest
from ibis.backends import BaseBackend

from vigie.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.init(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def postgres_dir() -> Iterator[str]:
    """A throwaway server listening only on a unix socket in its own folder (connect with host=it).

    Debian's postgresql package provides the binaries (.ci/run installs it); initdb refuses
    to run as root, hence `runuser -u postgres`.
    """
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not binaries:
        pytest.fail("PostgreSQL server binaries are missing: apt-get install postgresql")
    pg = binaries[-1]
    folder = tempfile.mkdtemp(prefix="vigie-pg-")
    shutil.chown(folder, "postgres", "postgres")

    def run(*args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True)

    run(str(pg / "initdb"), "-D", f"{folder}/data", "-U", "postgres", "-A", "trust", "--no-sync")
    options = f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
    run(
        str(pg / "pg_ctl"),
        "-D",
        f"{folder}/data",
        "-l",
        f"{folder}/log",
        "-w",
        "-o",
        options,
        "start",
    )
    yield folder
    run(str(pg / "pg_ctl"), "-D", f"{folder}/data", "-m", "immediate", "-w", "stop")
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_con(postgres_dir: str) -> Iterator[BaseBackend]:
    """An Ibis connection to a database of its own on the session's server, so tests never share tables."""
    database = "test_" + uuid.uuid4().hex
    admin = ibis.postgres.connect(
        host=postgres_dir, port=5432, user="postgres", database="postgres"
    )
    admin.con.autocommit = True
    admin.raw_sql(f"CREATE DATABASE {database}").close()
    admin.disconnect()
    con = ibis.postgres.connect(host=postgres_dir, port=5432, user="postgres", database=database)
    yield con
    con.disconnect()
