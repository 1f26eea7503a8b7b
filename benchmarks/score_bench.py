"""Benchmark: Vigie scoring `saas-standard` against pandas and hand-written DuckDB SQL.

Generates a workspace with DuckDB SQL (default 100k accounts x 20M usage events plus proportional
tickets, surveys, contacts, interactions, invoices), then runs, each in its own child process so
that its peak RSS is its own:
  (a) Vigie `score()` vs an idiomatic pandas implementation of the same scorecard,
  (b) Vigie vs one hand-written DuckDB SQL query of the same scorecard,
  (c) Vigie over 52 weekly as-of dates for 10k accounts (one run).
The three implementations' composite scores are compared account by account.

    .venv/bin/python benchmarks/score_bench.py [--accounts N --events M --weekly-accounts K]
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

import numpy as np
import pandas as pd

AS_OF = dt.date(2026, 6, 1)
PREMIUM = ("api_call", "integration_sync", "workflow_automation", "advanced_analytics")
CORE = ("dashboard_view", "report_run", "export")
EVENTS = ("login", *CORE, *PREMIUM)
TABLES = ("accounts", "subscriptions", "usage_events", "tickets", "surveys", "contacts",
          "interactions", "invoices")  # fmt: skip


# --- data ----------------------------------------------------------------------------------------


def generate(root: Path, accounts: int, events: int, days: int = 400) -> None:
    """A workspace in `root` with random but plausible facts over the `days` before AS_OF."""
    from vigie.workspace import Workspace

    d, n = f"DATE '{AS_OF}'", accounts
    ts = f"(TIMESTAMP '{AS_OF}' - to_seconds(CAST(random() * {days * 86400} AS BIGINT)))"
    event_case = "CASE " + " ".join(
        f"WHEN r < {(i + 1) / len(EVENTS) * 0.6 + 0.4 if i else 0.4} THEN '{e}'"
        for i, e in enumerate(EVENTS)
    ) + " END"  # fmt: skip
    account = f"'A' || CAST(floor(random() * {n}) AS BIGINT)"
    with Workspace.init(root) as ws:
        sql = ws.con.raw_sql
        sql("SELECT setseed(0.42)")
        sql(f"""INSERT INTO accounts BY NAME SELECT 'A' || i AS account_id, 'Account ' || i AS name,
            CASE WHEN i % 10 = 0 THEN 'enterprise' WHEN i % 10 < 4 THEN 'mid-market' ELSE 'smb' END
              AS segment, 'csm' || (i % 50) AS csm, {d} - CAST(30 + i % 900 AS INT) AS customer_since
            FROM range({n}) t(i)""")
        sql(f"""INSERT INTO subscriptions BY NAME SELECT 's' || i AS subscription_id,
            'A' || i AS account_id, {d} - CAST(10 + i % 700 AS INT) AS start_date,
            CASE WHEN i % 20 = 0 THEN {d} - 5 WHEN i % 7 = 0 THEN NULL
                 ELSE {d} - CAST(10 + i % 700 AS INT) + 730 END AS end_date,
            1000.0 * (1 + i % 90) AS arr, 'pro' AS plan,
            CASE WHEN i % 10 = 0 THEN 200 + i % 800 ELSE 5 + i % 60 END AS seats, 'active' AS status
            FROM range({n}) t(i)""")
        sql(f"""INSERT INTO usage_events BY NAME SELECT {account} AS account_id,
            'u' || CAST(floor(random() * 40) AS INT) AS user_id, {event_case} AS event,
            {ts} AS occurred_at, CAST(1 + floor(random() * 3) AS DOUBLE) AS quantity
            FROM (SELECT random() AS r FROM range({events}))""")
        sql(f"""INSERT INTO tickets BY NAME SELECT 't' || i AS ticket_id, {account} AS account_id,
            o AS opened_at, CASE WHEN random() < 0.1 THEN NULL ELSE least(o + INTERVAL 3 DAY,
              TIMESTAMP '{AS_OF}' - INTERVAL 1 SECOND) END AS closed_at,
            ['low', 'medium', 'high', 'critical'][CAST(1 + floor(random() * 4) AS INT)] AS severity,
            random() < 0.1 AS escalated FROM (SELECT i, {ts} AS o FROM range({3 * n}) t(i))""")
        sql(f"""INSERT INTO surveys BY NAME SELECT 'r' || i AS response_id, {account} AS account_id,
            CASE WHEN random() < 0.7 THEN 'nps' ELSE 'csat' END AS kind, 0.0 AS score,
            {ts} AS answered_at FROM range({2 * n}) t(i)""")
        sql("""UPDATE surveys SET score = CASE WHEN kind = 'nps' THEN floor(random() * 11)
               ELSE 1 + floor(random() * 5) END""")
        sql(f"""INSERT INTO contacts BY NAME SELECT 'c' || i AS contact_id, {account} AS account_id,
            random() < 0.3 AS is_champion,
            CASE WHEN random() < 0.1 THEN NULL ELSE {d} - CAST(400 + random() * 400 AS INT) END
              AS started_at,
            CASE WHEN random() < 0.2 THEN {d} - CAST(1 + random() * 300 AS INT) END AS ended_at
            FROM range({3 * n}) t(i)""")
        sql(f"""INSERT INTO interactions BY NAME SELECT 'i' || i AS interaction_id,
            {account} AS account_id,
            ['meeting', 'call', 'email', 'qbr', 'event'][CAST(1 + floor(random() * 5) AS INT)] AS kind,
            {ts} AS occurred_at FROM range({6 * n}) t(i)""")
        sql(f"""INSERT INTO invoices BY NAME SELECT 'v' || i AS invoice_id, {account} AS account_id,
            100.0 AS amount, issued AS issued_at, issued + 30 AS due_date,
            CASE WHEN paid < {d} AND random() < 0.9 THEN paid END AS paid_at
            FROM (SELECT i, {d} - CAST(1 + random() * {days} AS INT) AS issued,
                  {d} - CAST(1 + random() * {days} AS INT) + CAST(random() * 45 AS INT) AS paid
                  FROM range({4 * n}) t(i)) WHERE paid >= issued""")
        for table in TABLES:
            sql(f"COPY {table} TO '{root / table}.parquet' (FORMAT parquet)")


# --- the three implementations -------------------------------------------------------------------


def run_vigie(root: Path, dates: list[dt.date]) -> pd.DataFrame:
    from vigie.engine.scoring import score
    from vigie.scorecard.spec import load_scorecard
    from vigie.workspace import Workspace

    with Workspace.open(root) as ws:
        result = score(ws, load_scorecard("saas-standard"), dates, persist=False)
    return result.snapshots[["account_id", "as_of", "score", "band"]]


def _linear(x: pd.Series, points: list[tuple[float, float]]) -> np.ndarray:
    xs, ps = zip(*points, strict=True)
    return np.interp(x.astype(float), xs, ps)  # clamps at both ends; NaN stays NaN


def _bands(x: pd.Series, steps: list[tuple[float, float]]) -> np.ndarray:
    bounds, points = np.array([b for b, _ in steps]), np.array([p for _, p in steps])
    idx = np.clip(np.searchsorted(bounds, x.to_numpy(float), side="right") - 1, 0, None)
    return np.where(x.isna(), np.nan, points[idx])


def _weighted(parts: list[tuple[np.ndarray | pd.Series, pd.Series | float]]) -> np.ndarray:
    num = sum(np.nan_to_num(np.asarray(p, float)) * w for p, w in parts)
    den = sum(np.where(np.isnan(np.asarray(p, float)), 0.0, 1.0) * w for p, w in parts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.asarray(den) > 0, num / np.where(np.asarray(den) > 0, den, 1), np.nan)


def run_pandas(root: Path) -> pd.DataFrame:
    """saas-standard as a pandas user would write it: read parquet, filter, groupby, merge."""
    t = {name: pd.read_parquet(root / f"{name}.parquet") for name in TABLES}
    day = pd.Timestamp(AS_OF)

    def since(frame: pd.DataFrame, column: str, days: int) -> pd.DataFrame:
        return frame[(frame[column] >= day - pd.Timedelta(days=days)) & (frame[column] < day)]

    subs = t["subscriptions"]
    start, end = pd.to_datetime(subs.start_date), pd.to_datetime(subs.end_date)
    at = subs[(start <= day) & (end.isna() | (end > day))]
    state = at.groupby("account_id").agg(seats=("seats", "sum"), renewal=("end_date", "max"))
    acc = t["accounts"][["account_id", "segment", "customer_since"]].set_index("account_id")
    no_subs = ~acc.index.isin(subs.account_id) & (
        acc.customer_since.isna() | (pd.to_datetime(acc.customer_since) <= day)
    )
    acc = acc[acc.index.isin(state.index) | no_subs].join(state)

    ev = since(t["usage_events"], "occurred_at", 56)
    now = ev[ev.occurred_at >= day - pd.Timedelta(days=28)]
    logins = now[now.event == "login"].groupby("account_id").quantity.sum()
    before = ev[(ev.occurred_at < day - pd.Timedelta(days=28)) & (ev.event == "login")]
    prev = before.groupby("account_id").quantity.sum()
    m = pd.DataFrame(index=acc.index)
    m["logins"] = logins.reindex(m.index, fill_value=0.0)
    m["prev"] = prev.reindex(m.index, fill_value=0.0)
    m["users"] = now.groupby("account_id").user_id.nunique().reindex(m.index, fill_value=0)
    for name, events in (("premium", PREMIUM), ("core", CORE)):
        used = now[now.event.isin(events)].groupby("account_id").event.nunique()
        m[name] = used.reindex(m.index, fill_value=0)
    tickets = since(t["tickets"], "opened_at", 90)
    severe = tickets[tickets.severity.isin(["high", "critical"])].groupby("account_id").size()
    m["severe"] = severe.reindex(m.index, fill_value=0)
    escalated = tickets[tickets.escalated].groupby("account_id").size()
    m["escalated"] = escalated.reindex(m.index, fill_value=0)
    nps = since(t["surveys"], "answered_at", 365).query("kind == 'nps'")
    by = nps.assign(p=nps.score >= 9, d=nps.score <= 6).groupby("account_id")
    m["nps"] = (100.0 * (by.p.sum() - by.d.sum()) / by.size()).reindex(m.index)
    csat = since(t["surveys"], "answered_at", 180).query("kind == 'csat'")
    m["csat"] = csat.groupby("account_id").score.mean().reindex(m.index)
    inter = t["interactions"]
    meet = inter[inter.kind.isin(["meeting", "qbr"]) & (inter.occurred_at < day)]
    last = meet.groupby("account_id").occurred_at.max().dt.normalize()
    m["since_meeting"] = ((day - last).dt.days).reindex(m.index).astype(float)
    c = t["contacts"]
    started = c.started_at.isna() | (pd.to_datetime(c.started_at) < day)
    present = c.ended_at.isna() | (pd.to_datetime(c.ended_at) >= day)
    champions = c[c.is_champion & started & present].account_id.unique()
    m["champion"] = m.index.isin(champions)
    m["renewal"] = (pd.to_datetime(acc.renewal) - day).dt.days.astype(float)
    inv = t["invoices"]
    issued, due, paid = (pd.to_datetime(inv[c]) for c in ("issued_at", "due_date", "paid_at"))
    late = inv[(issued >= day - pd.Timedelta(days=365)) & (issued < day) & (due < day)
               & (paid.isna() | (paid > due))]  # fmt: skip
    m["late"] = late.groupby("account_id").size().reindex(m.index, fill_value=0)

    ent = (acc.segment == "enterprise").to_numpy()
    seats = acc.seats.astype(float).where(acc.seats > 0)
    per_seat = m.logins / seats
    p_logins = np.where(
        ent,
        _linear(per_seat, [(0.25, 0), (2, 50), (8, 100)]),
        _linear(per_seat, [(0.5, 0), (4, 50), (12, 100)]),
    )
    trend = 100.0 * (m.logins - m.prev) / m.prev.where(m.prev != 0)
    usage = _weighted([
        (p_logins, 2.0),
        (_linear(m.users / seats, [(0.1, 0), (0.5, 50), (0.8, 100)]), 1.0),
        (_bands(trend, [(-100, 0), (-30, 40), (-10, 80), (0, 100)]), 1.0),
    ])  # fmt: skip
    adoption = _weighted([
        (_bands(m.premium, [(0, 0), (1, 50), (2, 80), (3, 100)]), 1.0),
        (_bands(m.core, [(0, 0), (1, 40), (2, 70), (3, 100)]), 1.0),
    ])  # fmt: skip
    support = _weighted([
        (_bands(m.severe, [(0, 100), (1, 60), (3, 20), (5, 0)]), 1.0),
        (_bands(m.escalated, [(0, 100), (1, 40), (2, 0)]), 1.0),
    ])  # fmt: skip
    satisfaction = _weighted([
        (_linear(m.nps, [(-100, 0), (0, 50), (50, 100)]), 2.0),
        (_linear(m.csat, [(1, 0), (3, 50), (5, 100)]), 1.0),
    ])  # fmt: skip
    meeting = np.nan_to_num(_linear(m.since_meeting, [(15, 100), (60, 50), (120, 0)]))
    relationship = _weighted([(meeting, 1.0), (np.where(m.champion, 100.0, 0.0), 1.0)])
    commercial = _weighted([
        (_bands(m.renewal, [(0, 40), (30, 70), (90, 100)]), 1.0),
        (_bands(m.late, [(0, 100), (1, 50), (3, 0)]), 1.0),
    ])  # fmt: skip
    w_usage, w_rel = np.where(ent, 25.0, 30.0), np.where(ent, 25.0, 15.0)
    score = _weighted([(usage, w_usage), (adoption, 15.0), (support, 15.0),
                       (satisfaction, 15.0), (relationship, w_rel), (commercial, 10.0)])  # fmt: skip
    green, yellow = np.where(ent, 75, 70), np.where(ent, 55, 50)
    band = np.select([score >= green, score >= yellow], ["green", "yellow"], "red")
    return pd.DataFrame({"account_id": m.index, "as_of": AS_OF, "score": score,
                         "band": np.where(np.isnan(score), None, band)})  # fmt: skip


def run_sql(root: Path) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect(str(root / "vigie.duckdb"), read_only=True)
    result = con.execute(HAND_SQL.replace("$D", f"DATE '{AS_OF}'")).df()
    con.close()
    return result.assign(as_of=AS_OF)


HAND_SQL = """
WITH subs AS (
  SELECT account_id, sum(seats) FILTER (WHERE end_date IS NULL OR end_date > $D) AS seats,
         max(end_date) FILTER (WHERE end_date IS NULL OR end_date > $D) AS renewal,
         count(*) FILTER (WHERE end_date IS NULL OR end_date > $D) AS active
  FROM subscriptions WHERE start_date <= $D GROUP BY account_id),
scored AS (
  SELECT a.account_id, a.segment = 'enterprise' AS ent, s.seats, s.renewal FROM accounts a
  LEFT JOIN subs s USING (account_id)
  WHERE s.active > 0 OR (a.account_id NOT IN (SELECT account_id FROM subscriptions)
                         AND (a.customer_since IS NULL OR a.customer_since <= $D))),
usage AS (
  SELECT account_id,
    sum(quantity) FILTER (WHERE event = 'login' AND occurred_at >= $D - 28) AS logins,
    sum(quantity) FILTER (WHERE event = 'login' AND occurred_at < $D - 28) AS prev,
    count(DISTINCT user_id) FILTER (WHERE occurred_at >= $D - 28) AS users,
    count(DISTINCT event) FILTER (WHERE occurred_at >= $D - 28 AND event IN
      ('api_call', 'integration_sync', 'workflow_automation', 'advanced_analytics')) AS premium,
    count(DISTINCT event) FILTER (WHERE occurred_at >= $D - 28 AND event IN
      ('dashboard_view', 'report_run', 'export')) AS core
  FROM usage_events WHERE occurred_at >= $D - 56 AND occurred_at < $D GROUP BY account_id),
tix AS (
  SELECT account_id, count(*) FILTER (WHERE severity IN ('high', 'critical')) AS severe,
         count(*) FILTER (WHERE escalated) AS escalated
  FROM tickets WHERE opened_at >= $D - 90 AND opened_at < $D GROUP BY account_id),
voice AS (
  SELECT account_id,
    100.0 * (count(*) FILTER (WHERE kind = 'nps' AND score >= 9)
             - count(*) FILTER (WHERE kind = 'nps' AND score <= 6))
      / nullif(count(*) FILTER (WHERE kind = 'nps'), 0) AS nps,
    avg(score) FILTER (WHERE kind = 'csat' AND answered_at >= $D - 180) AS csat
  FROM surveys WHERE answered_at >= $D - 365 AND answered_at < $D GROUP BY account_id),
meet AS (
  SELECT account_id, $D - max(CAST(occurred_at AS DATE)) AS since_meeting FROM interactions
  WHERE kind IN ('meeting', 'qbr') AND occurred_at < $D GROUP BY account_id),
champ AS (
  SELECT DISTINCT account_id FROM contacts WHERE is_champion
    AND (started_at IS NULL OR started_at < $D) AND (ended_at IS NULL OR ended_at >= $D)),
late AS (
  SELECT account_id, count(*) AS late FROM invoices
  WHERE issued_at >= $D - 365 AND issued_at < $D AND due_date < $D
    AND (paid_at IS NULL OR paid_at > due_date) GROUP BY account_id),
raw AS (
  SELECT s.account_id, s.ent, coalesce(u.logins, 0) / nullif(s.seats, 0) AS per_seat,
    coalesce(u.users, 0) / nullif(s.seats, 0) AS share,
    100.0 * (coalesce(u.logins, 0) - u.prev) / nullif(coalesce(u.prev, 0), 0) AS trend,
    coalesce(u.premium, 0) AS premium, coalesce(u.core, 0) AS core,
    coalesce(t.severe, 0) AS severe, coalesce(t.escalated, 0) AS escalated, v.nps, v.csat,
    m.since_meeting, c.account_id IS NOT NULL AS champion, s.renewal - $D AS renewal,
    coalesce(l.late, 0) AS late
  FROM scored s LEFT JOIN usage u USING (account_id) LEFT JOIN tix t USING (account_id)
  LEFT JOIN voice v USING (account_id) LEFT JOIN meet m USING (account_id)
  LEFT JOIN champ c USING (account_id) LEFT JOIN late l USING (account_id)),
points AS (
  SELECT account_id, ent,
    CASE WHEN ent THEN CASE WHEN per_seat <= 0.25 THEN 0 WHEN per_seat >= 8 THEN 100
           WHEN per_seat < 2 THEN (per_seat - 0.25) * 50 / 1.75 ELSE 50 + (per_seat - 2) * 50 / 6 END
         ELSE CASE WHEN per_seat <= 0.5 THEN 0 WHEN per_seat >= 12 THEN 100
           WHEN per_seat < 4 THEN (per_seat - 0.5) * 50 / 3.5 ELSE 50 + (per_seat - 4) * 50 / 8 END
    END AS p_logins,
    CASE WHEN share <= 0.1 THEN 0 WHEN share >= 0.8 THEN 100
         WHEN share < 0.5 THEN (share - 0.1) * 50 / 0.4 ELSE 50 + (share - 0.5) * 50 / 0.3 END AS p_share,
    CASE WHEN trend >= 0 THEN 100 WHEN trend >= -10 THEN 80 WHEN trend >= -30 THEN 40
         WHEN trend IS NOT NULL THEN 0 END AS p_trend,
    CASE WHEN premium >= 3 THEN 100 WHEN premium >= 2 THEN 80 WHEN premium >= 1 THEN 50 ELSE 0 END AS p_premium,
    CASE WHEN core >= 3 THEN 100 WHEN core >= 2 THEN 70 WHEN core >= 1 THEN 40 ELSE 0 END AS p_core,
    CASE WHEN severe >= 5 THEN 0 WHEN severe >= 3 THEN 20 WHEN severe >= 1 THEN 60 ELSE 100 END AS p_severe,
    CASE WHEN escalated >= 2 THEN 0 WHEN escalated >= 1 THEN 40 ELSE 100 END AS p_escalated,
    CASE WHEN nps <= -100 THEN 0 WHEN nps >= 50 THEN 100 WHEN nps < 0 THEN (nps + 100) * 0.5
         ELSE 50 + nps END AS p_nps,
    CASE WHEN csat <= 1 THEN 0 WHEN csat >= 5 THEN 100 WHEN csat < 3 THEN (csat - 1) * 25
         ELSE 50 + (csat - 3) * 25 END AS p_csat,
    CASE WHEN since_meeting IS NULL THEN 0 WHEN since_meeting <= 15 THEN 100
         WHEN since_meeting >= 120 THEN 0 WHEN since_meeting < 60 THEN 100 - (since_meeting - 15) * 50 / 45
         ELSE 50 - (since_meeting - 60) * 50 / 60 END AS p_meeting,
    CASE WHEN champion THEN 100 ELSE 0 END AS p_champion,
    CASE WHEN renewal >= 90 THEN 100 WHEN renewal >= 30 THEN 70 WHEN renewal IS NOT NULL THEN 40 END AS p_renewal,
    CASE WHEN late >= 3 THEN 0 WHEN late >= 1 THEN 50 ELSE 100 END AS p_late
  FROM raw),
dims AS (
  SELECT account_id, ent,
    (2 * coalesce(p_logins, 0) + coalesce(p_share, 0) + coalesce(p_trend, 0))
      / nullif(2 * (p_logins IS NOT NULL)::INT + (p_share IS NOT NULL)::INT + (p_trend IS NOT NULL)::INT, 0) AS usage,
    (p_premium + p_core) / 2.0 AS adoption,
    (p_severe + p_escalated) / 2.0 AS support,
    (2 * coalesce(p_nps, 0) + coalesce(p_csat, 0))
      / nullif(2 * (p_nps IS NOT NULL)::INT + (p_csat IS NOT NULL)::INT, 0) AS satisfaction,
    (p_meeting + p_champion) / 2.0 AS relationship,
    (coalesce(p_renewal, 0) + p_late) / (1 + (p_renewal IS NOT NULL)::INT) AS commercial
  FROM points),
composite AS (
  SELECT account_id, ent,
    (coalesce(usage * CASE WHEN ent THEN 25 ELSE 30 END, 0) + 15 * adoption + 15 * support
     + coalesce(15 * satisfaction, 0) + relationship * CASE WHEN ent THEN 25 ELSE 15 END + 10 * commercial)
    / ((usage IS NOT NULL)::INT * CASE WHEN ent THEN 25 ELSE 30 END + 15 + 15
       + 15 * (satisfaction IS NOT NULL)::INT + CASE WHEN ent THEN 25 ELSE 15 END + 10) AS score
  FROM dims)
SELECT account_id, score,
  CASE WHEN score >= CASE WHEN ent THEN 75 ELSE 70 END THEN 'green'
       WHEN score >= CASE WHEN ent THEN 55 ELSE 50 END THEN 'yellow' ELSE 'red' END AS band
FROM composite
"""


# --- harness -------------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not ru_maxrss: Linux carries that over from the parent."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, root: Path, out: Path, weeks: int, repeat: int) -> None:
    """Run one implementation `repeat` times; print the first and best seconds and the peak RSS."""
    import vigie.engine.scoring
    import vigie.scorecard.spec  # noqa: F401  imports are not part of the measured time

    baseline = peak_rss_mb()
    runs = {
        "vigie": lambda: run_vigie(root, [AS_OF]),
        "weekly": lambda: run_vigie(root, [AS_OF - dt.timedelta(weeks=w) for w in range(weeks)]),
        "pandas": lambda: run_pandas(root),
        "sql": lambda: run_sql(root),
    }
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        scores = runs[kind]()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    peak = peak_rss_mb()
    scores.assign(as_of=scores["as_of"].astype(str)).to_parquet(out)
    report = {"seconds": min(times), "first": times[0], "cpu": min(cpu), "peak_mb": peak}
    report["import_mb"] = baseline
    print(json.dumps({**report, "rows": len(scores)}))


def measure(kind: str, root: Path, repeat: int, weeks: int = 52) -> dict[str, float]:
    out = root / f"scores_{kind}.parquet"
    args = [sys.executable, __file__, "--child", kind, "--dir", str(root), "--weeks", str(weeks)]
    args += ["--repeat", str(repeat)]
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr[-3000:]}")
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "out": str(out)}


def agreement(a: dict, b: dict) -> str:
    """How far two implementations' composite scores and bands are apart."""
    x = pd.read_parquet(a["out"]).merge(pd.read_parquet(b["out"]), on="account_id", how="outer")
    both = x.score_x.notna() & x.score_y.notna()
    diff = (x.score_x[both] - x.score_y[both]).abs().max()
    bands = (x.band_x.fillna("-") != x.band_y.fillna("-")).sum()
    return f"max |score diff| {diff:.2e}, band mismatches {bands}, accounts {len(x)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument("--weekly-accounts", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--child", choices=["vigie", "pandas", "sql", "weekly"])
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs per child; best time kept")
    args = parser.parse_args()
    if args.child:
        child(
            args.child, args.dir, args.dir / f"scores_{args.child}.parquet", args.weeks, args.repeat
        )
        return

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, best of {args.repeat} runs per child")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        big, weekly = Path(tmp) / "big", Path(tmp) / "weekly"
        start = time.perf_counter()
        generate(big, args.accounts, args.events)
        print(f"generated {args.accounts:,} accounts x {args.events:,} events "
              f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
        runs = {kind: measure(kind, big, args.repeat) for kind in ("vigie", "pandas", "sql")}
        for kind, run in runs.items():
            print(f"  {kind:7s} best {run['seconds']:7.2f} s (first {run['first']:.2f} s, "
                  f"CPU {run['cpu']:.2f} s)  "
                  f"peak RSS {run['peak_mb']:6.0f} MB "
                  f"(after imports {run['import_mb']:.0f} MB)  {run['rows']:,} scores")  # fmt: skip
        v, p, s = runs["vigie"], runs["pandas"], runs["sql"]
        print(
            f"(a) pandas / vigie time: {p['seconds'] / v['seconds']:.1f}x (target >= 10x); "
            f"peak RSS vigie {v['peak_mb']:.0f} MB vs pandas {p['peak_mb']:.0f} MB"
        )
        print(f"(b) vigie / hand SQL time: {v['seconds'] / s['seconds']:.2f}x (target <= 1.3x)")
        print(f"    vigie vs pandas: {agreement(v, p)}")
        print(f"    vigie vs SQL:    {agreement(v, s)}")
        events = args.events * args.weekly_accounts // args.accounts
        generate(weekly, args.weekly_accounts, events, days=52 * 7 + 400)
        w = measure("weekly", weekly, 1, args.weeks)
        print(f"(c) {args.weeks} weekly dates x {args.weekly_accounts:,} accounts "
              f"({events:,} events): {w['seconds']:.2f} s (CPU {w['cpu']:.2f} s), peak RSS {w['peak_mb']:.0f} MB, "
              f"{w['rows']:,} scores")  # fmt: skip


if __name__ == "__main__":
    main()
