"""Benchmark: backtest `saas-standard` and a churn model over 52 weekly dates x 10k accounts.

Builds a simulated book (`vigie.demo.build_demo`: simulate -> parquet -> validated import; its
stories give real churn to find), then times, each phase in its own child process so that the
peak RSS printed is that phase's own:
  scorecard  backtest of the scorecard with fitted weights (`vigie backtest`),
  train      training of the logistic model on the same dates (`vigie train`),
  model      backtest of that model on its held-out test dates (`vigie backtest --model`).
Wall and CPU seconds are both printed: the machine may be shared.

    .venv/bin/python benchmarks/backtest_bench.py [--accounts 10000] [--weeks 52] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

END = dt.date(2026, 1, 1)
HORIZON = 90


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM); ru_maxrss would include the parent's on Linux."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def weekly_dates(weeks: int) -> list[dt.date]:
    """`weeks` weekly dates ending HORIZON + 1 days before the end of the data."""
    last = END - dt.timedelta(days=HORIZON + 1)
    return [last - dt.timedelta(days=7 * i) for i in range(weeks - 1, -1, -1)]


def child(phase: str, root: Path, weeks: int) -> None:
    from vigie.predict.predict import backtest_model, backtest_scorecard
    from vigie.predict.train import load_model, train
    from vigie.scorecard import load_scorecard
    from vigie.workspace import Workspace

    ws = Workspace.open(root)
    dates = weekly_dates(weeks)
    wall, cpu = time.perf_counter(), cpu_seconds()
    if phase == "scorecard":
        result, tuning = backtest_scorecard(ws, "saas-standard", dates, HORIZON, weights=True)
        facts = {
            "rows": result.rows,
            "auc": result.roc_auc,
            "lift": result.top_decile_lift,
            "auc_fitted_weights": tuning.fitted.roc_auc if tuning else None,
        }
    elif phase == "train":
        model, tested, baseline = train(ws, load_scorecard("saas-standard"), dates)
        facts = {
            "rows": sum(model.metadata["rows"].values()),
            "auc": tested.roc_auc,
            "lift": tested.top_decile_lift,
            "scorecard_auc": baseline.roc_auc,
            "scorecard_lift": baseline.top_decile_lift,
        }
    else:
        test = load_model(ws, "churn-logistic").metadata["dates"]["test"]
        held_out = [d for d in dates if str(d) >= test[0]]
        result, card = backtest_model(ws, "churn-logistic", held_out)
        facts = {
            "rows": result.rows,
            "auc": result.roc_auc,
            "lift": result.top_decile_lift,
            "scorecard_auc": card.roc_auc,
            "scorecard_lift": card.top_decile_lift,
        }
    facts |= {
        "seconds": time.perf_counter() - wall,
        "cpu_seconds": cpu_seconds() - cpu,
        "peak_rss_mb": peak_rss_mb(),
    }
    print(json.dumps(facts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--keep", type=Path, help="Build the book here (reused if present).")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.root, args.weeks)
        return
    root = args.keep or Path(tempfile.mkdtemp(prefix="vigie-backtest-bench-")) / "ws"
    # Dates need 91 days of history before the first and the horizon after the last.
    months = (args.weeks * 7 + 91 + HORIZON) // 30 + 2
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    if not (root / "vigie.toml").exists():
        from vigie.demo import build_demo

        started = time.perf_counter()
        build_demo(root, accounts=args.accounts, months=months, seed=1, end=END).workspace.close()
        print(
            f"built {args.accounts:,} accounts x {months} months in "
            f"{time.perf_counter() - started:.0f} s: {root}"
        )
    print(f"{args.weeks} weekly dates x {args.accounts:,} accounts, horizon {HORIZON} days")
    for phase in ("scorecard", "train", "model"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                phase,
                "--root",
                str(root),
                "--weeks",
                str(args.weeks),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        facts = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{phase:>9}: {facts.pop('seconds'):7.1f} s wall, {facts.pop('cpu_seconds'):7.1f} s "
            f"CPU, peak RSS {facts.pop('peak_rss_mb'):6.0f} MB  "
            + ", ".join(
                f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in facts.items()
            )
        )


if __name__ == "__main__":
    main()
