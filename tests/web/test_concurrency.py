"""The server holds no lock between requests, meets a CLI write with 503, and never serves stale data."""

from __future__ import annotations

import subprocess
import sys
import time

import duckdb


def test_a_write_by_another_connection_shows_on_the_next_request(client_for, workspace_dir) -> None:
    client = client_for("victor", workspace_dir)
    first = client.get("/api/portfolio", params={"band": "red"}).json()
    assert first["total"] >= 1
    with duckdb.connect(str(workspace_dir / "vigie.duckdb")) as con:  # the server holds no lock
        con.execute(
            "UPDATE health_snapshots SET band = 'green' WHERE band = 'red' "
            "AND as_of = (SELECT max(as_of) FROM health_snapshots)"
        )
    assert client.get("/api/portfolio", params={"band": "red"}).json()["total"] == 0


def test_a_cli_process_writing_gets_a_503_with_retry_after_not_a_hang(
    client_for, workspace_dir
) -> None:
    client = client_for("victor", workspace_dir)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True);"
            " time.sleep(60)",
            str(workspace_dir / "vigie.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        response = client.get("/api/accounts/ACC-00001")
        assert time.monotonic() - started < 10
        assert response.status_code == 503
        assert response.headers["retry-after"] == "2"
        assert "being written by another process" in response.json()["detail"]
    finally:
        holder.kill()
        holder.wait()
    assert client.get("/api/accounts/ACC-00001").status_code == 200
