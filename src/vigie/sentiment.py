"""CSM sentiment: record, import, history, and the latest rating at any date.

The human layer: a CSM's colour is independent of the data, so it is kept as
dated facts in the canonical `sentiments` table and read point-in-time like
any other fact (a rating counts for D only when rated before D).
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Sequence
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from vigie.engine.history import check_account
from vigie.errors import SentimentError
from vigie.io.importer import ImportMode, ImportReport, import_files
from vigie.io.insert import insert_arrow
from vigie.schema import SENTIMENT_RATINGS, TABLES
from vigie.signals.config import SignalConfig, load_config
from vigie.workspace import Workspace

KEYS = ["account_id", "as_of"]


MAX_COMMENT = 2000
"""Characters of a rating's comment, on the CLI and the web alike (an action's notes too)."""


def record_sentiment(
    workspace: Workspace,
    account_id: str,
    rating: str,
    reasons: Sequence[str] = (),
    comment: str | None = None,
    author: str | None = None,
    rated_at: dt.datetime | None = None,
    config: SignalConfig | None = None,
) -> dict[str, object]:
    """Append one rating; refused whole if the rating, a reason or the account is unknown."""
    config = config or load_config(workspace=workspace)
    rating, reasons = rating.strip().lower(), [r.strip().lower() for r in reasons]  # as imports
    if rating not in SENTIMENT_RATINGS:
        raise SentimentError(f"Rating {rating!r} is not one of {', '.join(SENTIMENT_RATINGS)}.")
    unknown = [r for r in reasons if r not in config.sentiment.reasons]
    if unknown:
        raise SentimentError(
            f"Unknown reason(s) {', '.join(map(repr, unknown))}: use "
            f"{', '.join(config.sentiment.reasons)} (sentiment.reasons in the signal config)."
        )
    if comment is not None and len(comment) > MAX_COMMENT:
        raise SentimentError(
            f"A comment is {MAX_COMMENT:,} characters at most (this one has {len(comment):,})."
        )
    check_account(workspace, account_id)
    row = {
        "account_id": account_id,
        "author": author or getpass.getuser(),
        "rated_at": rated_at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "rating": rating,
        "reasons": list(dict.fromkeys(reasons)),
        "comment": comment,
    }
    schema = TABLES["sentiments"].ibis_schema().to_pyarrow()
    insert_arrow(workspace.con, "sentiments", pa.Table.from_pylist([row], schema=schema))
    return row


def import_sentiments(workspace: Workspace, paths: Sequence[Path | str]) -> ImportReport:
    """Append ratings from files through the validated import path (all rows or none)."""
    return import_files(workspace, "sentiments", list(paths), mode=ImportMode.APPEND)


def sentiment_history(workspace: Workspace, account_id: str) -> pd.DataFrame:
    """Every rating of the account, newest first."""
    check_account(workspace, account_id)
    table = workspace.table("sentiments")
    rows = table.filter(table.account_id == account_id).order_by(ibis.desc("rated_at"))
    return rows.to_pandas()


def latest_sentiment(workspace: Workspace, grid: ir.Table) -> ir.Table:
    """Per grid row with a rating before D: the latest rating, its reasons, author and age."""
    table = workspace.table("sentiments")
    j = grid.select(*KEYS).join(table, "account_id")
    j = j.filter(j.rated_at < j.as_of.cast("timestamp"))
    # a window, not argmax: PostgreSQL cannot aggregate a list column with NULL rows
    newest = ibis.row_number().over(group_by=KEYS, order_by=[ibis.desc(j.rated_at), j.author])
    ranked = j.mutate(newest=newest)
    last = ranked.filter(ranked.newest == 0).select(
        *KEYS, "rated_at", "rating", "reasons", "comment", "author"
    )
    return last.mutate(age_days=last.as_of.delta(last.rated_at.date(), unit="day"))
