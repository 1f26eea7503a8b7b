"""Warnings after an import: data that is valid but probably not meant the way Vigie reads it.

Nothing here refuses an import; the report carries the warnings and the CLI prints them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import duckdb
import ibis.expr.types as ir

from vigie.engine.state import uncovered_ends
from vigie.io.sql import ident
from vigie.schema import Table


def appended_again(table: str, earlier: dict[str, dt.datetime]) -> str | None:
    """Files whose very bytes were appended to a table without a key before: every row twice."""
    if not earlier:
        return None
    files = "; ".join(f"{file} (imported {at:%Y-%m-%d %H:%M} UTC)" for file, at in earlier.items())
    return (
        f"The same file was already imported into {table}: {files}. {table} has no key, so "
        "appending it again counts each of its rows twice. To reload a full export, use "
        "--mode replace; to add new rows, import only the new file."
    )


@dataclass(frozen=True)
class StoredPeriod:
    """The time span of a table's rows before an append, and how many rows it held."""

    first: dt.datetime
    last: dt.datetime
    rows: int


def stored_period(table: ir.Table, time_column: str) -> StoredPeriod | None:
    """None for an empty table."""
    time = table[time_column]
    found = table.aggregate(first=time.min(), last=time.max(), rows=table.count())
    row = found.to_pyarrow().to_pylist()[0]
    return None if row["first"] is None else StoredPeriod(**row)


def rows_in_period(table: ir.Table, time_column: str, period: StoredPeriod) -> int:
    time = table[time_column]
    return int(table.filter(time.between(period.first, period.last)).count().to_pyarrow().as_py())


def appended_into_period(
    name: str, before: StoredPeriod, added: int, dry_run: bool = False
) -> str | None:
    """`added` rows appended (or, in a dry run, to append) to a table without a key are dated
    within the span it already held: an export overlapping the previous one counts its
    overlap twice."""
    if added <= 0:
        return None
    rows, count = ("to append", "would count") if dry_run else ("appended", "now count")
    repair = "" if dry_run else " (import this file again that way to repair)"
    return (
        f"{added:,} of the rows {rows} to {name} are dated within the period it already held "
        f"({before.first:%Y-%m-%d %H:%M} to {before.last:%Y-%m-%d %H:%M} UTC). {name} has no key: "
        f"if this export overlaps an earlier one, the events of the overlap {count} twice. "
        f"Load overlapping exports with --mode replace-period, which replaces the period a file "
        f"covers{repair}. New events of the same days (another product, another event type) are "
        "fine as they are."
    )


def contacts_moved(contact: str, old: str, new: str, count: int) -> str:
    """An upsert rewrites a contact that changed account (a CRM export of today): the old
    account's history loses them, so a champion who left never shows as `champion_left`."""
    return (
        f"{count:,} contact(s) move to another account (e.g. {contact}: {old} -> {new}). The "
        f"upsert rewrites them, so {old} never had them: a champion who left shows as no "
        "champion, not as champion_left. To keep the history, end the old row (ended_at) and "
        "add the person at the new account under a new contact_id."
    )


def currencies_mixed(table: str, currencies: dict[str, Counter[str]]) -> list[str]:
    """Amount columns written in several currencies: the numbers are stored as written, not
    converted, so ARR sums would add euros and dollars."""
    found = []
    for column, counts in currencies.items():
        if len(counts) > 1:
            listed = ", ".join(f"{code}: {n:,}" for code, n in sorted(counts.items()))
            found.append(
                f"{table}.{column} is written in several currencies ({listed} rows). Vigie keeps "
                "the numbers as written, without converting them, so sums would add them up as "
                "one currency. Convert them before the import (in the mapping, "
                f'`{column}: {{expr: "..."}}` with the rate per currency).'
            )
    return found


def unknown_accounts_skipped(table: str, rows: Counter[str]) -> list[str]:
    """Rows `--skip-unknown-accounts` left out, said with the ids behind them, most rows first:
    a skipped id may be an account the accounts import lacks, not a trial."""
    if not rows:
        return []
    listed = ", ".join(f"{account!r} ({n:,})" for account, n in rows.most_common(5))
    more = f" and {len(rows) - 5:,} more" if len(rows) > 5 else ""
    return [
        f"{rows.total():,} {table} row(s) skipped: their account_id is not in accounts "
        f"({len(rows):,} id(s): {listed}{more}). Import those accounts first if they are customers."
    ]


def dots_as_thousands(table: str, groups: Counter[str], decimals: Counter[str]) -> list[str]:
    """Amounts written like 48.000 and 1.250, and never with a decimal point: a European
    export's thousands separator, read as 48 and 1.25 unless the mapping sets `decimal`."""
    return [
        f"{table}.{column}: {count:,} value(s) are written like 48.000 or 1.250 and none with "
        "a decimal point; they are read as 48 and 1.25. If the dot separates thousands (a "
        'European export), set `decimal: ","` in the mapping.'
        for column, count in groups.items()
        if count and not decimals[column]
    ]


def keys_differing_by_case(
    con: duckdb.DuckDBPyConnection, view: str, table: Table, stored: str | None
) -> str | None:
    """Imported ids equal to another id but for case (`acc-2` beside `ACC-2`, in the file or
    stored): two accounts to Vigie, probably one to the team. A warning, not a refusal:
    Salesforce's 15-character ids do differ only by case."""
    if len(table.primary_key) != 1:
        return None
    key = ident(table.primary_key[0])
    kept = f" UNION SELECT {key} FROM {stored}" if stored else ""
    rows = con.execute(
        f"WITH k AS (SELECT {key} AS k FROM {view}{kept}) "
        f"SELECT min(k), max(k), count(*) OVER () FROM k WHERE lower(k) IN "
        f"(SELECT lower({key}) FROM {view}) GROUP BY lower(k) HAVING count(*) > 1 "
        "ORDER BY 1 LIMIT 1"
    ).fetchone()
    if rows is None:
        return None
    first, second, pairs = rows
    return (
        f"{pairs:,} {table.primary_key[0]} value(s) differ from another only by case (e.g. "
        f"{second!r} and {first!r}): Vigie keeps them apart, as different "
        f"{table.name}. If they are one, write them the same way (a mapping "
        f'`{table.primary_key[0]}: {{expr: "upper(...)"}}`); ids that are case-sensitive '
        "(Salesforce 15-character ids) are right as they are."
    )


SUBSCRIPTION_SPANS = ("subscription_id", "account_id", "start_date", "end_date", "status")
"""The columns `inclusive_end_dates` and `status_without_end` read."""


def status_without_end(subs: ir.Table, today: dt.date) -> str | None:
    """Subscriptions (SUBSCRIPTION_SPANS) whose status says they stopped while their dates say
    they run: Vigie reads the dates (the status describes today, not any past date), so they
    count as revenue in scores, labels and forecasts. A cancelled subscription whose paid term
    ends later is fine: it runs until then."""
    stopped = subs.filter(
        (subs.status.isin(["ended", "cancelled"]) & subs.end_date.isnull())
        | ((subs.status == "ended") & (subs.end_date > today))
    )
    found = _example_and_count(stopped, "subscription_id", "status", "end_date")
    if found is None:
        return None
    row, count = found
    end = row["end_date"] or "none"
    return (
        f"{count:,} subscription(s) have status ended or cancelled but run past today by their "
        f"dates (no end_date, or ended but ending later; e.g. {row['subscription_id']}: "
        f"{row['status']}, end_date {end}). Vigie reads end_date, not status, so they still "
        "count as revenue. Give the day the subscription stopped as end_date (for a "
        "cancellation, the end of the paid term), e.g. in the mapping: end_date: {expr: "
        '"coalesce(\\"Cancelled At\\", \\"Term End\\")"}.'
    )


def _example_and_count(rows: ir.Table, *columns: str) -> tuple[dict, int] | None:
    """One of `rows` (its `columns`) to quote in a warning, and how many there are; None if
    there are none."""
    example = rows.select(*columns).limit(1).to_pyarrow().to_pylist()
    if not example:
        return None
    return example[0], int(rows.count().to_pyarrow().as_py())


def inclusive_end_dates(subs: ir.Table) -> str | None:
    """Subscriptions (SUBSCRIPTION_SPANS) ending the day before the account's next one starts.

    Vigie's end_date is exclusive (the first day not covered). Many billing and CRM exports
    write the last day covered instead (2025-01-01 .. 2025-12-31, then 2026-01-01 ..), which
    Vigie reads as a one-day stop at every renewal: on that day the account has no contract.
    """
    stops, following = uncovered_ends(subs), subs.view()
    touching = stops.join(
        following,
        [
            stops.account_id == following.account_id,
            following.start_date == stops.end_date + dt.timedelta(days=1),
        ],
    )
    found = _example_and_count(touching, "subscription_id", "end_date", "start_date_right")
    if found is None:
        return None
    first, count = found
    return (
        f"{count:,} subscription(s) end the day before the account's next one starts (e.g. "
        f"{first['subscription_id']}: end_date {first['end_date']}, next start "
        f"{first['start_date_right']}). end_date is exclusive, the first day NOT covered, so each "
        "is read as a one-day stop of revenue: on that day the account has no contract and drops "
        "out of that date's scores, worklist and forecast. If your export gives the last day "
        'covered, add a day in the mapping: end_date: {expr: "CAST(\\"End\\" AS DATE) + 1"} '
        "(a date written 12/31/2025: strptime(\"End\", '%m/%d/%Y')::DATE + 1)."
    )
