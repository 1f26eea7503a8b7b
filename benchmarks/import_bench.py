"""Import benchmark: a usage_events CSV through `import_files`, against a bare DuckDB load.

Generates (with DuckDB COPY) N usage events over 10,000 accounts under
./bench-data/, then runs each step in its own child process so its peak RSS
(DuckDB's memory included) is measured alone. The machine is shared, so the
baseline and the import run alternately `--repeat` times and the fastest run
of each is kept (load spikes only ever slow a run down); CPU time (all
threads) is printed too, as other jobs disturb it less than wall time:
  1. accounts import (setup, not timed in the ratio),
  2. baseline: `CREATE TABLE AS SELECT * FROM read_csv(...)` in a fresh DuckDB file,
  3. `import_files(..., "usage_events", ...)`: read, type, validate every rule
     (types, required, non-negative, not in the future, known account), write.

    python benchmarks/import_bench.py [--rows 10000000] [--memory-limit 1GB] [--threads 2]
                                      [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

DATA = Path("bench-data")
ACCOUNTS = 10_000


def generate(rows: int) -> tuple[Path, Path]:
    DATA.mkdir(exist_ok=True)
    accounts, events = DATA / "accounts.csv", DATA / f"usage_events_{rows}.csv"
    con = duckdb.connect()
    if not accounts.exists():
        con.execute(
            f"COPY (SELECT 'A' || lpad(CAST(i AS VARCHAR), 6, '0') AS account_id, "
            f"'Account ' || i AS name, round(random() * 100000, 2) AS arr "
            f"FROM range({ACCOUNTS}) t(i)) TO '{accounts}' (HEADER, DELIMITER ',')"
        )
    if not events.exists():
        con.execute(
            f"COPY (SELECT 'A' || lpad(CAST(i % {ACCOUNTS} AS VARCHAR), 6, '0') AS account_id, "
            f"'U' || (i % 97) AS user_id, "
            f"['login', 'report_run', 'export', 'dashboard_view'][1 + i % 4] AS event, "
            f"strftime(TIMESTAMP '2024-01-01' + to_seconds(i % 31536000), '%Y-%m-%d %H:%M:%S') "
            f"AS occurred_at, 1 + i % 3 AS quantity FROM range({rows}) t(i)) "
            f"TO '{events}' (HEADER, DELIMITER ',')"
        )
    return accounts, events


def child(step: str, workspace: str, path: str, memory_limit: str, threads: int) -> None:
    """Run one step in this process and print its timing as JSON."""
    if step == "baseline":
        con = duckdb.connect(str(Path(workspace) / "baseline.duckdb"))
        con.execute(f"SET memory_limit = '{memory_limit}'; SET threads = {threads}")
        started, cpu_started = time.perf_counter(), time.process_time()
        con.execute(f"CREATE TABLE events AS SELECT * FROM read_csv('{path}')")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        rows = con.execute("SELECT count(*) FROM events").fetchone()[0]
    else:
        from vigie.io import import_files
        from vigie.workspace import Workspace

        ws = Workspace.open(workspace)
        ws.con.raw_sql(f"SET memory_limit = '{memory_limit}'; SET threads = {threads}")
        cpu_started = time.process_time()
        report = import_files(ws, step, [path])
        seconds, cpu, rows = report.seconds, time.process_time() - cpu_started, report.inserted
        ws.close()
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows}))


def run_child(step: str, workspace: Path, path: Path, args: argparse.Namespace) -> dict:
    """Run a step in a child process; its peak RSS comes from wait4's rusage."""
    command = [sys.executable, __file__, "--child", step, str(workspace), str(path)]
    command += ["--memory-limit", args.memory_limit, "--threads", str(args.threads)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read() if process.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"step {step} failed")
    result = json.loads(output)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("STEP", "WORKSPACE", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.memory_limit, args.threads)
        return

    from vigie.workspace import Workspace

    started = time.perf_counter()
    accounts, events = generate(args.rows)
    print(
        f"data: {events} ({events.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
    )
    workspace = DATA / "workspace"
    runs: dict[str, list[dict]] = {"baseline": [], "usage_events": []}
    for _ in range(args.repeat):
        shutil.rmtree(workspace, ignore_errors=True)
        Workspace.init(workspace).close()
        run_child("accounts", workspace, accounts, args)
        for step, results in runs.items():
            results.append(run_child(step, workspace, events, args))
    baseline, vigie = (
        {**min(r, key=lambda x: x["seconds"]), "peak_rss_mb": max(x["peak_rss_mb"] for x in r)}
        for r in runs.values()
    )
    assert vigie["rows"] == baseline["rows"] == args.rows, (vigie, baseline)
    print(
        f"rows: {args.rows:,}; DuckDB memory_limit {args.memory_limit}, threads {args.threads}; "
        f"fastest of {args.repeat} runs, highest peak RSS; load average {os.getloadavg()[0]:.1f}"
    )
    for name, r in (("bare DuckDB CTAS read_csv", baseline), ("vigie import (validated)", vigie)):
        print(
            f"{name:28} {r['seconds']:6.2f} s  {args.rows / r['seconds'] / 1e6:5.2f} M rows/s  "
            f"CPU {r['cpu']:6.2f} s  peak RSS {r['peak_rss_mb']:6.0f} MB"
        )
    print(
        f"validation overhead: x{vigie['seconds'] / baseline['seconds']:.2f} the bare load time, "
        f"x{vigie['cpu'] / baseline['cpu']:.2f} its CPU time (less sensitive to other jobs)"
    )
    print(f"parent peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
