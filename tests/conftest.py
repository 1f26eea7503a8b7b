"""Shared fixtures: a fresh DuckDB workspace per test, and a throwaway PostgreSQL server."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

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
