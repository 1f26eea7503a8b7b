"""Benchmark: what `tone` measures add to scoring a portfolio with 1M stored texts.

Builds the scorecard benchmark's workspace (`score_bench.generate`: 100k accounts, 20M usage
events by default, tickets, surveys, contacts, ...), flags a fifth of the contacts as decision
makers, and fills the derived `texts` table (`TEXTS_SCHEMA`) with DuckDB SQL: 1M texts over the
400 days before the as-of date, tone uniform in [-1, 1], 60 % English / 40 % French, half
interaction notes (inbound or outbound, 70 % with a contact of the same account), a quarter
tickets and a quarter survey comments (inbound, no contact). The texts' values come from
`hash(row, k)`, so they are the same on every run. Then, in this process, it scores one as-of
date with
  (a) the `saas-standard` template,
  (b) saas-standard plus two `tone` measures in its relationship dimension (inbound tone over
      90 days with min_texts 2; champion / decision-maker tone over 60 days), loaded from a
      YAML file through `load_scorecard` like any team's scorecard,
alternately, keeping each one's best wall and CPU time.

    .venv/bin/python benchmarks/tone_score_bench.py [--accounts N --events M --texts T]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML

from score_bench import AS_OF, generate

TONE_MEASURES = {
    "customer_tone_90d": {
        "metric": {"tone": "texts", "direction": "inbound", "window": "90d", "min_texts": 2},
        "grade": {"linear": [[-0.5, 0], [0, 50], [0.5, 100]]},
    },
    "champion_tone_60d": {
        "metric": {
            "tone": "texts",
            "contact_role": ["champion", "decision_maker"],
            "window": "60d",
        },
        "grade": {"linear": [[-0.5, 0], [0, 50], [0.5, 100]]},
    },
}


def add_texts(root: Path, texts: int, accounts: int, days: int = 400) -> None:
    """Decision-maker flags on contacts and `texts` rows random but fixed by `hash(i, k)`."""
    from vigie.tone.store import ensure_texts_table
    from vigie.workspace import Workspace

    def u(k: int) -> str:  # uniform in [0, 1), fixed per (row, k)
        return f"(hash(i, {k}) % 1000003) / 1000003.0"

    with Workspace.open(root) as ws:
        sql = ws.con.raw_sql
        sql("UPDATE contacts SET is_decision_maker = hash(contact_id) % 5 = 0")
        ensure_texts_table(ws)
        sql(f"""INSERT INTO texts BY NAME
            WITH base AS (
              SELECT i, CASE WHEN {u(1)} < 0.5 THEN 'interaction'
                             WHEN {u(1)} < 0.75 THEN 'ticket' ELSE 'survey' END AS source,
                CASE WHEN {u(1)} < 0.5 AND {u(3)} < 0.7
                  THEN 'c' || CAST(floor({u(2)} * {3 * accounts}) AS BIGINT) END AS pick
              FROM range({texts}) t(i))
            SELECT 'x' || i AS text_id,
              coalesce(c.account_id, 'A' || CAST(floor({u(4)} * {accounts}) AS BIGINT))
                AS account_id,
              source, source || '-' || i AS source_id, c.contact_id,
              CASE WHEN source <> 'interaction' OR {u(5)} < 0.5 THEN 'inbound'
                   ELSE 'outbound' END AS direction,
              TIMESTAMP '{AS_OF}' - to_seconds(CAST({u(6)} * {days * 86400} AS BIGINT))
                AS written_at,
              CASE WHEN {u(7)} < 0.6 THEN 'en' ELSE 'fr' END AS language,
              2 * {u(8)} - 1 AS tone, 'default' AS scorer,
              CAST([] AS VARCHAR[]) AS intents, CAST([] AS VARCHAR[]) AS intent_phrases,
              'text ' || i AS excerpt
            FROM base LEFT JOIN contacts c ON c.contact_id = pick""")


def with_tone(path: Path) -> Path:
    """saas-standard's YAML with TONE_MEASURES added to its relationship dimension, at `path`."""
    from vigie.scorecard.spec import TEMPLATES

    yaml = YAML()
    card = yaml.load((TEMPLATES / "saas-standard.yaml").read_text(encoding="utf-8"))
    card["name"] = "saas-standard-tone"
    card["dimensions"]["relationship"]["measures"].update(TONE_MEASURES)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(card, out)
    return path


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """Fastest wall time and lowest CPU time of the runs (each its own minimum)."""
    return min(w for w, _ in runs), min(c for _, c in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument("--texts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs per scorecard; best kept")
    args = parser.parse_args()

    from vigie.engine.scoring import score
    from vigie.scorecard.spec import load_scorecard
    from vigie.workspace import Workspace

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, best of {args.repeat} runs each")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="vigie-tone-bench-") as tmp:
        root = Path(tmp) / "ws"
        start = time.perf_counter()
        generate(root, args.accounts, args.events)
        add_texts(root, args.texts, args.accounts)
        print(f"generated {args.accounts:,} accounts x {args.events:,} events x "
              f"{args.texts:,} texts in {time.perf_counter() - start:.1f} s")  # fmt: skip
        cards = {
            "saas-standard": load_scorecard("saas-standard"),
            "+ tone": load_scorecard(with_tone(Path(tmp) / "saas-standard-tone.yaml")),
        }
        timings: dict[str, list[tuple[float, float]]] = {name: [] for name in cards}
        with Workspace.open(root) as ws:
            texts = ws.con.raw_sql("SELECT count(*) FROM texts").fetchone()[0]
            runs: dict[str, Callable[[], object]] = {
                name: (lambda card=card: score(ws, card, [AS_OF], persist=False))
                for name, card in cards.items()
            }
            for _ in range(args.repeat):
                for name, run in runs.items():  # alternate, so load changes hit both alike
                    wall, cpu = time.perf_counter(), time.process_time()
                    result = run()
                    timings[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            measures = result.measures  # the last run is "+ tone"
        scored = measures.account_id.nunique()
        print(f"{texts:,} texts; {scored:,} accounts scored as of {AS_OF}")
        for name in TONE_MEASURES:
            rows = measures[measures.measure == name]
            print(f"  {name}: a value for {(~rows.missing).sum():,} accounts, "
                  f"mean raw {rows.raw_value.mean():+.3f}")  # fmt: skip
        (a_wall, a_cpu), (b_wall, b_cpu) = best(timings["saas-standard"]), best(timings["+ tone"])
        for name, (wall, cpu) in (("saas-standard", (a_wall, a_cpu)), ("+ tone", (b_wall, b_cpu))):
            firsts = timings[name][0]
            print(f"  {name:14s} best {wall:6.2f} s wall, {cpu:6.2f} s CPU "
                  f"(first {firsts[0]:.2f} s wall, {firsts[1]:.2f} s CPU)")  # fmt: skip
        print(f"added by the tone measures: {b_wall - a_wall:+.2f} s wall "
              f"({100 * (b_wall - a_wall) / a_wall:+.0f} %), {b_cpu - a_cpu:+.2f} s CPU "
              f"({100 * (b_cpu - a_cpu) / a_cpu:+.0f} %)")  # fmt: skip


if __name__ == "__main__":
    main()
