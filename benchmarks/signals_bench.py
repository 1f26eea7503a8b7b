"""Signals on the simulated book: compute time, and recall / precision / lead time per kind.

    python benchmarks/signals_bench.py [WORKSPACE] [--accounts 500] [--every 14]

Builds the demo workspace (simulate, import, score weekly with saas-standard)
when WORKSPACE has none, computes signals every N days over the last 20 months
in one run, and prints the markdown table of docs/signals.md. Churn labels come
from subscriptions (hindsight); the simulator's archetypes are not read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from pathlib import Path

from vigie.demo import build_demo, weekly_dates
from vigie.engine.scoring import score
from vigie.scorecard import load_scorecard
from vigie.signals.compute import compute_signals
from vigie.signals.evaluate import evaluate
from vigie.workspace import Workspace

END = dt.date(2026, 11, 1)
MONTHS = 24


def workspace(path: Path, accounts: int) -> Workspace:
    if (path / "vigie.toml").exists():
        return Workspace.open(path)
    demo = build_demo(path, accounts, MONTHS, 42, end=END)
    dates = weekly_dates(demo.start + dt.timedelta(days=90), demo.end)
    score(demo.workspace, load_scorecard("saas-standard"), dates)
    return demo.workspace


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workspace", nargs="?", default="/tmp/sigdemo", type=Path)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--every", type=int, default=14, help="days between as-of dates")
    parser.add_argument("--horizon", type=int, default=120)
    args = parser.parse_args()
    ws = workspace(args.workspace, args.accounts)
    first = END - dt.timedelta(days=600)  # baselines need 112 days, seasonality a year
    dates = [first + dt.timedelta(days=d) for d in range(0, (END - first).days + 1, args.every)]
    wall, cpu = time.perf_counter(), time.process_time()
    signals = compute_signals(ws, dates)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(dates)} dates {dates[0]}..{dates[-1]}, {len(signals):,} firings: "
        f"{wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak:.0f} MB"
    )
    table = evaluate(ws, signals, dates, END, args.horizon)
    print(
        f"base rate (active account-dates churning within {args.horizon} days): "
        f"{table.attrs['base_rate']:.1%}, churners in cohort: {table['churners'].iloc[0]}\n"
    )
    print("| kind | firings | recall | precision | lift | median lead (days) |")
    print("|---|---|---|---|---|---|")
    for row in table.sort_values("lift", ascending=False).itertuples():
        print(
            f"| {row.kind} | {row.firings:,} | {row.recall:.0%} | {row.precision:.1%} "
            f"| {row.lift:.1f} | {row.median_lead_days:.0f} |"
        )


if __name__ == "__main__":
    main()
