"""Stored scores read back: one account's history and the portfolio's latest scores.

Both read `health_snapshots` only (nothing is re-scored). Several scorecards
may be stored side by side; without `scorecard`, the one scored most recently
is used, so a history never mixes two scorecards' scales.
"""

from __future__ import annotations

import datetime as dt
import difflib

import ibis
import ibis.expr.types as ir
import pandas as pd

from vigie.engine.scoring import SNAPSHOTS
from vigie.engine.state import account_state, dates_table
from vigie.errors import UnknownAccountError, VigieError
from vigie.scorecard.named import band_positions, positions, scorecard_spec
from vigie.workspace import Workspace

SPARK_BARS = "▁▂▃▄▅▆▇█"
SORTS = ("score", "arr", "name")
HISTORY_COLUMNS = (
    "as_of",
    "score",
    "score_scaled",
    "band",
    "coverage",
    "delta_7d",
    "delta_30d",
    "delta_90d",
    "overridden",
    "scorecard",
    "scorecard_version",
)


def stored_snapshots(workspace: Workspace) -> ir.Table:
    """The stored composite scores; a clear error when nothing was scored yet."""
    if SNAPSHOTS not in workspace.con.list_tables():
        raise VigieError(
            f"No scores are stored in workspace {workspace.root} yet. Run `vigie score` first."
        )
    return workspace.con.table(SNAPSHOTS)


def check_account(workspace: Workspace, account_id: str) -> None:
    """Refuse an account id that is not in `accounts`, suggesting close ids."""
    accounts = workspace.table("accounts")
    if accounts.filter(accounts.account_id == account_id).count().execute() > 0:
        return
    ids = accounts.account_id.to_pandas().tolist()
    close = difflib.get_close_matches(account_id, ids, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else " `vigie accounts` lists them."
    raise UnknownAccountError(f"No account {account_id!r} in workspace {workspace.root}.{hint}")


def latest_scorecard(snapshots: ir.Table) -> str | None:
    """The scorecard scored most recently; of several scored on that date, the one with the
    longest history, then the first by name. None without stored scores. The CLI, the pages
    and the API all default to it."""
    stored = snapshots.group_by("scorecard").agg(
        last=snapshots.as_of.max(), dates=snapshots.as_of.nunique()
    )
    first = stored.order_by([ibis.desc("last"), ibis.desc("dates"), "scorecard"]).limit(1)
    names = first.scorecard.to_pyarrow().to_pylist()
    return names[0] if names else None


def pick_scorecard(snapshots: ir.Table, scorecard: str | None, what: str) -> str:
    """`scorecard` if it has stored scores in `snapshots`, else the most recently scored one."""
    stored = snapshots.group_by("scorecard").agg(last=snapshots.as_of.max()).to_pandas()
    if stored.empty:
        raise VigieError(f"No stored scores for {what}. Run `vigie score` first.")
    if scorecard is None:
        return str(latest_scorecard(snapshots))
    if scorecard not in set(stored.scorecard):
        names = ", ".join(sorted(stored.scorecard))
        raise VigieError(
            f"No stored scores of scorecard {scorecard!r} for {what}; stored: {names}. "
            "Choose one of these scorecards (--scorecard), or run `vigie score` with it."
        )
    return scorecard


def stored_band_positions(workspace: Workspace, scorecard: str) -> dict[str, str]:
    """Band name -> top / middle / lowest in `scorecard` (see vigie.scorecard.named); for a
    scorecard whose definition the workspace does not hold, the bands of its stored scores
    ordered by the lowest score seen in each."""
    card = scorecard_spec(workspace.root, scorecard)
    if card is not None:
        return band_positions(card)
    return positions(bands_seen(workspace, scorecard))


def bands_seen(workspace: Workspace, scorecard: str, as_of: dt.date | None = None) -> list[str]:
    """The bands of `scorecard`'s stored scores (at `as_of`, else at any date), best first:
    ordered by the lowest score seen in each. For a scorecard whose definition is unknown."""
    snaps = stored_snapshots(workspace)
    snaps = snaps.filter(snaps.scorecard == scorecard, snaps.band.notnull())
    if as_of is not None:
        snaps = snaps.filter(snaps.as_of == as_of)
    seen = snaps.group_by("band").agg(low=snaps.score_scaled.min()).order_by(ibis.desc("low"))
    return seen.band.to_pyarrow().to_pylist()


def _as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(as_of=pd.to_datetime(frame["as_of"]).dt.date)


def history(workspace: Workspace, account_id: str, scorecard: str | None = None) -> pd.DataFrame:
    """Stored scores of one account over time, oldest first (deltas in 0-100 points)."""
    check_account(workspace, account_id)
    snapshots = stored_snapshots(workspace)
    mine = snapshots.filter(snapshots.account_id == account_id)
    name = pick_scorecard(mine, scorecard, f"account {account_id!r}")
    rows = mine.filter(mine.scorecard == name).order_by("as_of").select(*HISTORY_COLUMNS)
    return _as_dates(rows.to_pandas())


def sparkline(scores: pd.Series) -> str:
    """One bar per score on the absolute 0-100 scale (so 50 always looks half full)."""
    levels = (scores.clip(0, 100) / 100 * len(SPARK_BARS)).fillna(-1).astype(int)
    return "".join(
        " " if i < 0 else SPARK_BARS[min(i, len(SPARK_BARS) - 1)] for i in levels.tolist()
    )


def accounts(
    workspace: Workspace,
    scorecard: str | None = None,
    band: str | None = None,
    segment: str | None = None,
    csm: str | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    sort: str = "score",
    limit: int | None = None,
    former: bool = False,
) -> pd.DataFrame:
    """Latest stored score per account, with ARR at that date from dated subscriptions.

    Only the accounts scored on the scorecard's latest stored date, i.e. the customers of
    the book then; `former` adds those whose latest score is older (churned since, or not
    active when last scored). Scores and their bounds are in the scorecard's display scale.
    Sorting by score puts the weakest first; by ARR the largest first (ARR at risk).
    """
    if sort not in SORTS:
        raise VigieError(f"Unknown sort {sort!r}; use one of: {', '.join(SORTS)}.")
    snapshots = stored_snapshots(workspace)
    name = pick_scorecard(snapshots, scorecard, "this workspace")
    mine = snapshots.filter(snapshots.scorecard == name)
    last = mine.group_by("account_id").agg(as_of=mine.as_of.max())
    if not former:  # (a literal: Ibis would read mine.as_of.max() as last.as_of here)
        last = last.filter(last.as_of == mine.as_of.max().to_pyarrow().as_py())
    latest = mine.join(last, ["account_id", "as_of"])
    # the few dates as literal rows: PostgreSQL misjudged the subquery (one row expected) and
    # scanned the snapshots again for every subscription, 7.8 s on a 150-account book
    days = latest.select("as_of").distinct().to_pyarrow().column("as_of").to_pylist()
    state = account_state(workspace, dates_table(days))
    rows = latest.join(state, ["account_id", "as_of"]).select(
        "account_id",
        "name",
        "segment",
        "csm",
        "as_of",
        "score_scaled",
        "band",
        "coverage",
        "arr",
        "delta_30d",
        "scorecard",
    )
    for column, value in (("band", band), ("segment", segment), ("csm", csm)):
        if value is not None:
            rows = rows.filter(rows[column] == value)
    if min_score is not None:
        rows = rows.filter(rows.score_scaled >= min_score)
    if max_score is not None:
        rows = rows.filter(rows.score_scaled <= max_score)
    order = {
        "score": [rows.score_scaled.asc(nulls_first=False), rows.arr.desc(nulls_first=False)],
        "arr": [rows.arr.desc(nulls_first=False), rows.score_scaled.asc(nulls_first=False)],
        "name": [rows["name"].asc()],
    }[sort]
    rows = rows.order_by(*order, rows.account_id)
    if limit is not None:
        rows = rows.limit(limit)
    return _as_dates(rows.to_pandas())
