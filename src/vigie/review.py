"""The review queue: accounts where the automated band and the CSM's latest colour disagree.

Either direction counts: data red while the CSM says green ("is the CSM
missing something?") and data green while the CSM says red ("what does the
data not see?"). A reviewer resolves an entry: `data` (the score is right),
`csm` (the CSM is right) or `override` (a colour of the reviewer's own, with a
reason and an expiry). Resolutions are kept in `review_resolutions`, the audit
trail. A `data`/`csm` decision holds while the disagreement is the same one
(same band, same sentiment); an override holds until its expiry. Like score
overrides, a resolution counts from the day it is made (`valid_from`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import uuid

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from vigie.engine.history import stored_band_positions
from vigie.engine.scoring import SNAPSHOTS
from vigie.engine.state import account_state, dates_table
from vigie.errors import ReviewError, UnknownAccountError
from vigie.io.insert import insert_arrow
from vigie.schema import SENTIMENT_RATINGS
from vigie.sentiment import latest_sentiment
from vigie.signals.compute import stored_signals
from vigie.signals.config import SignalConfig, compared_scorecard, load_config
from vigie.workspace import Workspace

RESOLUTIONS = "review_resolutions"
DECISIONS = ("data", "csm", "override")
SCHEMA = ibis.schema(
    {
        "resolution_id": "string",
        "account_id": "string",
        "decision": "string",
        "band": "string",
        "rating": "string",
        "sentiment_rated_at": "timestamp(6)",
        "override_rating": "string",
        "reason": "string",
        "until": "date",
        "valid_from": "date",
        "author": "string",
        "resolved_at": "timestamp(6)",
    }
)
QUEUE_COLUMNS = [
    "account_id", "name", "csm", "arr", "score", "band", "colour", "rating", "direction",
    "rated_at", "author", "reasons", "comment", "stale", "signals",
]  # fmt: skip


def resolutions_table(workspace: Workspace) -> ir.Table:
    """The resolutions/audit table, created empty on first use."""
    if RESOLUTIONS not in workspace.con.list_tables():
        workspace.con.create_table(RESOLUTIONS, schema=SCHEMA)
    return workspace.con.table(RESOLUTIONS)


def band_colours(workspace: Workspace, scorecard: str) -> dict[str, str]:
    """Band name -> green/yellow/red by its place in the scorecard: top, middle or lowest."""
    colour = {"top": "green", "middle": "yellow", "lowest": "red"}
    return {b: colour[p] for b, p in stored_band_positions(workspace, scorecard).items()}


def stale_scores(
    workspace: Workspace, as_of: dt.date, config: SignalConfig | None = None
) -> str | None:
    """Why the queue can hold nothing at D: no score of the review's scorecard in the
    tolerance before D. None when there are recent enough scores."""
    config = config or load_config(workspace=workspace)
    cfg, card = config.score_direction, compared_scorecard(config, workspace)
    if SNAPSHOTS not in workspace.con.list_tables():
        return f"no {card} scores are stored yet; run `vigie score` first."
    snaps = workspace.con.table(SNAPSHOTS)
    snaps = snaps.filter(snaps.scorecard == card, snaps.as_of <= as_of)
    latest = snaps.as_of.max().to_pyarrow().as_py()
    if latest is not None and (as_of - latest).days <= cfg.tolerance_days:
        return None
    found = f"the latest is {latest}" if latest is not None else "there is none"
    return (
        f"bands are compared with {card} scores of the {cfg.tolerance_days} days up to "
        f"{as_of} and {found}; run `vigie score` first"
        + (f", or use --as-of {latest}." if latest is not None else ".")
    )


def _disagreements(workspace: Workspace, as_of: dt.date, config: SignalConfig) -> pd.DataFrame:
    """Active accounts at D whose band colour differs from the latest sentiment before D."""
    cfg, card = config.score_direction, compared_scorecard(config, workspace)
    grid = account_state(workspace, dates_table([as_of]))
    grid = grid.filter(grid.active)
    if SNAPSHOTS not in workspace.con.list_tables():
        return pd.DataFrame(columns=[c for c in QUEUE_COLUMNS if c != "signals"])
    snaps = workspace.con.table(SNAPSHOTS)
    snaps = snaps.filter(
        snaps.scorecard == card,
        snaps.as_of <= as_of,
        snaps.as_of >= as_of - dt.timedelta(days=cfg.tolerance_days),
    )
    latest = snaps.group_by("account_id").agg(
        score=snaps.score.argmax(snaps.as_of), band=snaps.band.argmax(snaps.as_of)
    )
    sentiment = latest_sentiment(workspace, grid.select("account_id", "as_of"))
    rows = grid.join(latest, "account_id").join(sentiment, ["account_id", "as_of"])
    frame = rows.select(
        "account_id", "name", "csm", "arr", "score", "band", "rating", "rated_at", "author",
        "reasons", "comment", "age_days",
    ).to_pandas()  # fmt: skip
    frame["colour"] = frame["band"].map(band_colours(workspace, card))
    frame = frame[frame["colour"] != frame["rating"]]
    rank = {c: i for i, c in enumerate(SENTIMENT_RATINGS)}
    worse = frame["colour"].map(rank) > frame["rating"].map(rank)
    frame = frame.assign(
        direction=worse.map({True: "data worse than CSM", False: "CSM worse than data"}),
        stale=frame["age_days"] >= config.sentiment.stale_days,
        reasons=frame["reasons"].map(lambda r: [] if r is None else [str(x) for x in r]),
    )
    return frame.drop(columns="age_days")


def _resolved(workspace: Workspace, as_of: dt.date, frame: pd.DataFrame) -> pd.Series:
    """True for queue rows a resolution made by D still covers."""
    table = resolutions_table(workspace)
    table = table.filter(table.valid_from <= as_of)
    live = table.filter(table.decision == "override", table.until > as_of)
    overrides = live.select("account_id").to_pandas()
    res = table.filter(table.decision != "override").to_pandas()
    if frame.empty:
        return pd.Series(False, index=frame.index)
    same = res.merge(
        frame.reset_index()[["index", "account_id", "band", "rating", "rated_at"]],
        left_on=["account_id", "band", "rating", "sentiment_rated_at"],
        right_on=["account_id", "band", "rating", "rated_at"],
    )
    covered = set(same["index"]) | set(
        frame.index[frame["account_id"].isin(overrides["account_id"])]
    )
    return pd.Series(frame.index.isin(list(covered)), index=frame.index)


def review_queue(
    workspace: Workspace, as_of: dt.date, config: SignalConfig | None = None
) -> pd.DataFrame:
    """Unresolved disagreements at D, most ARR first, with both sides' evidence."""
    config = config or load_config(workspace=workspace)
    frame = _disagreements(workspace, as_of, config)
    frame = frame[~_resolved(workspace, as_of, frame)]
    signals = stored_signals(workspace, as_of, as_of)
    evidence = (
        signals.assign(line=signals["kind"] + ": " + signals["evidence"])
        .groupby("account_id")["line"]
        .agg("; ".join)
    )
    frame = frame.assign(signals=frame["account_id"].map(evidence).fillna(""))
    frame = frame.sort_values(["arr", "account_id"], ascending=[False, True], ignore_index=True)
    return frame[QUEUE_COLUMNS]


def resolve_review(
    workspace: Workspace,
    account_id: str,
    decision: str,
    as_of: dt.date,
    reason: str | None = None,
    rating: str | None = None,
    until: dt.date | None = None,
    author: str | None = None,
    config: SignalConfig | None = None,
) -> dict[str, object]:
    """Record a reviewer's decision on an account in the queue at D; refused whole if invalid."""
    if decision not in DECISIONS:
        raise ReviewError(f"Decision {decision!r} is not one of {', '.join(DECISIONS)}.")
    if decision == "override":
        if not (reason or "").strip():
            raise ReviewError("An override needs a reason (--reason TEXT).")
        if until is None or until <= as_of:
            raise ReviewError(f"An override needs an expiry after {as_of} (--until YYYY-MM-DD).")
        if rating not in SENTIMENT_RATINGS:
            raise ReviewError(
                f"An override needs a colour: --rating {'|'.join(SENTIMENT_RATINGS)}."
            )
    accounts = workspace.table("accounts")
    if accounts.filter(accounts.account_id == account_id).count().execute() == 0:
        raise UnknownAccountError(f"No account {account_id!r} in workspace {workspace.root}.")
    queue = review_queue(workspace, as_of, config)
    entry = queue[queue["account_id"] == account_id]
    if entry.empty:
        raise ReviewError(
            f"Account {account_id!r} is not in the review queue as of {as_of}: "
            + (
                stale_scores(workspace, as_of, config)
                or "its band and latest sentiment agree, or it is already resolved "
                "(see `vigie review`)."
            )
        )
    first = entry.iloc[0]
    row = {
        "resolution_id": uuid.uuid4().hex[:12],
        "account_id": account_id,
        "decision": decision,
        "band": first["band"],
        "rating": first["rating"],
        "sentiment_rated_at": pd.Timestamp(first["rated_at"]).to_pydatetime(),
        "override_rating": rating if decision == "override" else None,
        "reason": (reason or "").strip() or None,
        "until": until if decision == "override" else None,
        "valid_from": as_of,
        "author": author or getpass.getuser(),
        "resolved_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
    }
    resolutions_table(workspace)
    arrow = pa.Table.from_pylist([row], schema=SCHEMA.to_pyarrow())
    insert_arrow(workspace.con, RESOLUTIONS, arrow)
    return row


def review_history(workspace: Workspace, account_id: str | None = None) -> pd.DataFrame:
    """Every recorded resolution (of one account), newest first."""
    res = resolutions_table(workspace)
    if account_id is not None:
        res = res.filter(res.account_id == account_id)
    return res.order_by(ibis.desc("resolved_at")).to_pandas()
