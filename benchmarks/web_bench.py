"""Benchmark: the portfolio page and its JSON twin on 10k accounts, 20 concurrent clients.

Generates a workspace with DuckDB SQL (N accounts with one subscription each and W weekly
scores of a six-dimension scorecard), serves it with `vigie serve` on 127.0.0.1 in a child
process, and sends R requests per client from C concurrent clients (threads) to
`/portfolio` (HTML) and `/api/portfolio` (JSON), default page of 50 sorted by ARR at risk,
then a page never asked before on every request (25 rows, four sorts: what paging costs
when no page is cached). Prints p50 / p95 / max latency, throughput and the server's CPU
time per request, and as a baseline the same `portfolio()` call in process without HTTP.

    .venv/bin/python benchmarks/web_bench.py [--accounts 10000 --weeks 13 --clients 20 --requests 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from vigie.engine.scoring import DIMENSIONS, SCHEMAS, SNAPSHOTS
from vigie.web.pages.portfolio import PortfolioFilters, portfolio
from vigie.web.users import UserStore
from vigie.workspace import Workspace

DIMS = ("usage", "adoption", "relationship", "support", "satisfaction", "commercial")
LAST = "DATE '2026-06-01'"


def generate(root: Path, accounts: int, weeks: int) -> None:
    """Accounts, subscriptions and weekly scores, straight into the workspace's DuckDB."""
    ws = Workspace.init(root)
    for name in (SNAPSHOTS, DIMENSIONS):
        ws.con.create_table(name, schema=SCHEMAS[name])
    con = ws.con.con
    con.execute(f"""
        INSERT INTO accounts (account_id, name, segment, csm, customer_since, currency)
        SELECT printf('ACC-%06d', i), 'Account ' || i,
               ['smb', 'mid-market', 'enterprise'][1 + i % 3], 'CSM ' || (i % 25),
               DATE '2023-01-01' + CAST(i % 700 AS INTEGER), 'EUR'
        FROM range({accounts}) t(i)""")
    con.execute(f"""
        INSERT INTO subscriptions (account_id, start_date, end_date, arr, seats, plan)
        SELECT printf('ACC-%06d', i), DATE '2025-01-01' + CAST(i % 365 AS INTEGER),
               DATE '2026-07-01' + CAST(i % 365 AS INTEGER), 1000 + hash(i) % 200000,
               5 + i % 200, 'pro'
        FROM range({accounts}) t(i)""")
    scores = f"""
        SELECT printf('ACC-%06d', i) AS account_id, CAST({LAST} - INTERVAL 7 DAY * w AS DATE) AS as_of,
               greatest(0, least(100, 30 + hash(i * 31 + w) % 70)) AS score
        FROM range({accounts}) a(i), range({weeks}) b(w)"""
    band = "CASE WHEN score >= 70 THEN 'green' WHEN score >= 50 THEN 'yellow' ELSE 'red' END"
    con.execute(f"""
        INSERT INTO {SNAPSHOTS} (account_id, as_of, scorecard, scorecard_version, score,
                                 score_scaled, band, coverage, overridden, rolled_up)
        SELECT account_id, as_of, 'saas-standard', 'bench', score, score, {band}, 1.0, false, false
        FROM ({scores})""")
    con.execute(f"""
        INSERT INTO {DIMENSIONS} (account_id, as_of, scorecard, scorecard_version, dimension,
                                  score, band, coverage, weight)
        SELECT account_id, as_of, 'saas-standard', 'bench', d, score, {band}, 1.0, 1.0
        FROM (SELECT s.account_id, s.as_of, d,
                     greatest(0, least(100, s.score + hash(s.account_id || d) % 41 - 20)) AS score
              FROM ({scores}) s, unnest({list(DIMS)}) u(d))""")
    ws.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(
    url: str | Callable[[int], str], token: str, clients: int, requests: int
) -> tuple[list[float], float]:
    """Latencies (s) of clients x requests GETs, and the wall time they took.

    `url` may be a function of the request's number (0 .. clients x requests - 1), so
    every request can ask for a different page.
    """

    def one_client(client: int) -> list[float]:
        times = []
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            for i in range(requests):
                target = url(client * requests + i) if callable(url) else url
                started = time.perf_counter()
                response = http.get(target)
                times.append(time.perf_counter() - started)
                response.raise_for_status()
        return times

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = [t for times in pool.map(one_client, range(clients)) for t in times]
    return latencies, time.perf_counter() - started


def report(label: str, latencies: list[float], wall: float, cpu: float | None = None) -> None:
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    server = f"  server CPU {cpu / len(ordered) * 1000:5.1f} ms/req" if cpu is not None else ""
    print(
        f"{label:<30} n={len(ordered):4d}  p50 {statistics.median(ordered) * 1000:6.0f} ms  "
        f"p95 {p95 * 1000:6.0f} ms  max {ordered[-1] * 1000:6.0f} ms  "
        f"{len(ordered) / wall:6.1f} req/s{server}"
    )


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc); None elsewhere.

    On a shared machine wall-clock latency also measures the neighbours; the server's own
    CPU per request says what the code costs.
    """
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return None
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SORTS = ("arr_at_risk", "score", "name", "renewal")


def varied(request: int) -> str:
    """A different page (and one of four sorts) for each request: no page is served twice."""
    return f"/api/portfolio?per_page=25&page={1 + request % 200}&sort={SORTS[request // 200 % 4]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=20, help="per client")
    args = parser.parse_args()
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory(prefix="vigie-web-bench-") as folder:
        root = Path(folder) / "ws"
        started = time.perf_counter()
        generate(root, args.accounts, args.weeks)
        print(
            f"Generated {args.accounts:,} accounts x {args.weeks} weekly scores "
            f"in {time.perf_counter() - started:.1f} s"
        )
        token = _token(root)
        with Workspace.open(root) as ws:
            portfolio(ws, PortfolioFilters())  # builds the latest run and the default view
            baseline = []
            for page in range(2, 12):  # pages not built yet: what a cache miss costs
                t = time.perf_counter()
                portfolio(ws, PortfolioFilters(page=page))
                baseline.append(time.perf_counter() - t)
        report("portfolio() in process, new page", baseline, sum(baseline))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "vigie", "serve", "-w", str(root), "--port", str(port)],
            stdout=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(base)
            for label, path in (
                ("GET /portfolio (HTML)", "/portfolio"),
                ("GET /api/portfolio", "/api/portfolio"),
                ("GET /api/portfolio, new pages", None),
            ):
                url = base + path if path else lambda i: base + varied(i)
                if path:
                    measure(url, token, 2, 2)  # warm-up: the first request builds the run
                before = cpu_seconds(server.pid)
                latencies, wall = measure(url, token, args.clients, args.requests)
                after = cpu_seconds(server.pid)
                used = after - before if after is not None and before is not None else None
                report(label, latencies, wall, used)
        finally:
            server.terminate()
            server.wait(10)
        print(f"{args.clients} concurrent clients x {args.requests} requests each, on 127.0.0.1")


def _token(root: Path) -> str:
    store = UserStore(root)
    store.add("bench", "bench-password", "viewer")
    return store.create_token("bench", "web_bench")


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/login", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


if __name__ == "__main__":
    main()
