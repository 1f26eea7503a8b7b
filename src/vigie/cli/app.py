"""The Typer application and the options every command shares.

Commands live in one module per concern (`cli/workspace_cmds.py`, ...) and
stay thin: they parse options, call the library, and render with Rich.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vigie.engine.state import currencies
from vigie.errors import VigieError
from vigie.workspace import Workspace

app = typer.Typer(
    name="vigie",
    help="Customer health scores, signals and churn risk for Customer Success teams.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)

WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace",
        "-w",
        envvar="VIGIE_WORKSPACE",
        help="Workspace folder (holds vigie.toml).",
        show_default="current directory",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def output_file(path: Path | None) -> Path | None:
    """A file the command will write (checked before the work, not after it): its folder must
    exist, and it must not be a folder itself."""
    if path is None:
        return None
    if path.is_dir():
        raise VigieError(f"{path} is a folder: give the name of a file to write.")
    if not path.parent.is_dir():
        raise VigieError(
            f"The folder {path.parent} does not exist: create it, or choose another path."
        )
    return path


LOCK_WAIT = 60.0
"""Seconds a command waits for another process to let go of a DuckDB workspace (the web
server holds it for the length of a page): a scheduled run then waits instead of failing."""


def open_workspace(path: Path) -> Workspace:
    return Workspace.open(path, lock_wait=LOCK_WAIT)


def warn_unknown_events(scorecard: str, ws: Workspace) -> None:
    """Say which of the scorecard's event names this workspace never saw (see
    `workspace_warnings`), before a run that would score them as 0."""
    from vigie.scorecard.spec import workspace_warnings

    for warning in workspace_warnings(scorecard, ws):
        err_console.print(f"[yellow]Warning:[/] {escape(warning)}", highlight=False)


STALE_DAYS = 7
"""Days between the newest usage event and the as-of date before a run warns."""


def warn_if_data_ends_before(ws: Workspace, day: dt.date) -> bool:
    """Warn when the usage data ends well before `day` (an export of last month, a date that
    defaults to today): windows read little or nothing, and subscriptions the export saw
    running may already have ended by their dates, so accounts drop out. True if it warned."""
    events = ws.table("usage_events")
    newest = events.occurred_at.max().to_pyarrow().as_py()
    if newest is None or (day - newest.date()).days <= STALE_DAYS:
        return False
    gap = (day - newest.date()).days
    err_console.print(
        f"[yellow]Warning:[/] the newest usage event is {newest.date()}, {gap} days before "
        f"{day}: usage windows ending on {day} see little or none of it. To look at the book as "
        f"your data stands, pass --as-of {newest.date() + dt.timedelta(days=1)}.",
        highlight=False,
    )
    return True


def warn_if_data_starts_after(ws: Workspace, day: dt.date, window: int = 91) -> bool:
    """Warn when the usage data starts less than `window` days before `day`: the features'
    windows before it are mostly empty, which reads as an account that stopped using the
    product. True if it warned."""
    oldest = ws.table("usage_events").occurred_at.min().to_pyarrow().as_py()
    if oldest is None or (day - oldest.date()).days >= window:
        return False
    gap = (day - oldest.date()).days
    when = f"{gap} days before {day}" if gap > 0 else f"not before {day}"
    err_console.print(
        f"[yellow]Warning:[/] the oldest usage event is {oldest.date()}, {when}: windows of up "
        f"to {window} days before {day} see little or none of the usage, as if it had stopped. "
        "Use a date "
        f"from {oldest.date() + dt.timedelta(days=window)} on.",
        highlight=False,
    )
    return True


def warn_about_arr(ws: Workspace) -> None:
    """Where ARR is summed and ranked: when the sums add several currencies (see
    `currencies`), or when there is no ARR to sum (no subscriptions imported)."""
    found = currencies(ws)
    if len(found) > 1:
        listed = ", ".join(f"{name}: {count:,}" for name, count in found.items())
        err_console.print(
            f"[yellow]Warning:[/] accounts are in several currencies ({listed} accounts): ARR "
            "totals add the amounts as imported. Convert them to one currency before the import "
            '(a mapping `arr: {expr: "amount * rate"}`).',
            highlight=False,
        )
    if ws.table("subscriptions").count().execute() == 0 and ws.table("accounts").count().execute():
        err_console.print(
            "[yellow]Warning:[/] no subscriptions are imported: ARR, renewal dates and plans at "
            "a date come from dated subscriptions (accounts.arr and renewal_date describe today "
            "and are never read for a date), so every account has no ARR and no renewal here. "
            "Import one row per contract term (vigie schema subscriptions).",
            highlight=False,
        )


def today() -> dt.date:
    """Default as-of date: today in UTC (facts dated before today's midnight UTC)."""
    return dt.datetime.now(dt.UTC).date()


def days(text: str, option: str) -> int:
    """'90d' -> 90, '13w' -> 91, '90' -> 90."""
    unit = 7 if text.endswith("w") else 1
    number = text[:-1] if text[-1:] in ("d", "w") else text
    if not number.isdigit() or int(number) < 1:
        raise VigieError(f"{option} {text!r}: use Nd (days) or Nw (weeks), e.g. 7d.")
    return int(number) * unit


def as_of_date(as_of: dt.datetime | None) -> dt.date:
    """--as-of D, default today; never after today, when the facts of the days between are
    not known yet."""
    return _not_future(as_of.date() if as_of else today())


EARLIEST = dt.date(1900, 1, 1)
"""Dates before this are typos (0001-01-01): windows reaching back from them overflow."""


def _not_future(day: dt.date) -> dt.date:
    if day < EARLIEST:
        raise VigieError(f"{day} is before {EARLIEST}: check the date.")
    if day > today():
        raise VigieError(
            f"{day} is after today ({today()}): what happens until then is not known yet. "
            "Use dates up to today."
        )
    return day


def as_of_dates(
    as_of: dt.datetime | None, start: dt.datetime | None, end: dt.datetime | None, every: str
) -> list[dt.date]:
    """--as-of D (default today), or --from D1 --to D2 every N days; never after today."""
    if start is None and end is None:
        return [as_of_date(as_of)]
    if as_of is not None or start is None or end is None or end < start:
        raise VigieError("Use either --as-of D, or --from D1 --to D2 (D2 >= D1) with --every Nd.")
    step, span = days(every, "--every"), (end - start).days
    dates = [start.date() + dt.timedelta(days=d) for d in range(0, span + 1, step)]
    _not_future(dates[-1])
    return dates


def _cell(value: object) -> str:
    """Empty for missing values, thousands separators for amounts, two decimals for rates."""
    if value is None or (not isinstance(value, str | list) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
    return str(value)


MAX_LISTED = 200
"""Rows a command prints as a table; more (a worklist of 20,000 accounts, a weekly backfill)
are cut, with a word on how to get them all: --json, --csv, --xlsx or a filter."""


def print_table(frame: pd.DataFrame, columns: list[str], title: str) -> None:
    """The first MAX_LISTED rows of `frame` as a Rich table, for people."""
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col)
    for row in frame[columns].head(MAX_LISTED).itertuples(index=False):
        table.add_row(*[_cell(v) for v in row])
    console.print(table)
    say_cut(len(frame))


def say_cut(rows: int) -> None:
    """After a table cut at MAX_LISTED rows: how many there are and how to get them."""
    if rows > MAX_LISTED:
        console.print(
            f"The first {MAX_LISTED:,} of {rows:,} rows: --limit N, --json, --csv or a filter "
            "for the others.",
            highlight=False,
        )


def print_records(frame: pd.DataFrame) -> None:
    """Rows of `frame` as a JSON list of objects, for scripts: dates as 2026-01-05, times in ISO."""
    console.print_json(_dates_as_days(frame).to_json(orient="records", date_format="iso"))


def _dates_as_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns (Python dates, or datetimes all at midnight) as YYYY-MM-DD text."""
    columns = {}
    for name, column in frame.items():
        known = column.dropna()
        if pd.api.types.is_datetime64_any_dtype(column):
            if (known == known.dt.normalize()).all():
                columns[name] = column.dt.strftime("%Y-%m-%d").where(column.notna(), None)
        elif column.dtype == object and len(known) and _is_day(known.iloc[0]):
            columns[name] = column.map(lambda d: None if pd.isna(d) else d.isoformat())
    return frame.assign(**columns) if columns else frame


def _is_day(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
