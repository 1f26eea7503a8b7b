"""The worklist: active accounts ranked by ARR at risk, each with its recommended next action.

ARR at risk = ARR x risk x renewal proximity. Risk is the churn model's
probability when `churn_predictions` holds one dated at or before D, else
(100 - score) / 100 with the score on 0-100 whatever the scorecard's scale; an
account with neither counts 0.5 (unknown). Proximity grows linearly from 1
(renewal 180+ days away or unknown) to 2 (renewal today). The next action is the
most urgent matching playbook (file order breaks ties); when it is already open, the
row names the open action (`open_action`) instead of proposing another.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from vigie.engine.history import pick_scorecard, stored_band_positions, stored_snapshots
from vigie.engine.scoring import DIMENSIONS, SNAPSHOTS
from vigie.engine.state import account_state, dates_table
from vigie.playbooks.actions import CLOSED
from vigie.playbooks.rules import Playbook, matches
from vigie.predict.store import PREDICTIONS
from vigie.sentiment import latest_sentiment
from vigie.signals.compute import stored_signals
from vigie.signals.risk import risk_types
from vigie.workspace import Workspace

PROXIMITY_DAYS = 180
RECENTLY_CLOSED_DAYS = 30
WORKLIST_COLUMNS = [
    "account_id", "name", "csm", "segment", "arr", "score", "band", "risk", "days_to_renewal",
    "arr_at_risk", "risk_type", "evidence", "playbook", "action", "owner", "priority", "due",
    "open_action", "score_date", "signals_date",
]  # fmt: skip
SCORE_COLUMNS = [
    "account_id", "score", "score_100", "band", "band_position", "score_date", "band_held_days",
    "scorecard",
]  # fmt: skip


def scored_history(
    workspace: Workspace, as_of: dt.date, scorecard: str | None
) -> tuple[pd.DataFrame, str]:
    """Stored scores dated <= D, oldest first, with each band's position (top/middle/lowest)."""
    snaps = stored_snapshots(workspace)
    name = pick_scorecard(snaps, scorecard, "this workspace")
    rows = snaps.filter(snaps.scorecard == name, snaps.as_of <= as_of)
    rows = rows.select("account_id", "as_of", "score", "score_scaled", "band").to_pandas()
    rows["as_of"] = pd.to_datetime(rows["as_of"]).dt.date
    rows = rows.sort_values(["account_id", "as_of"], ignore_index=True)
    position = stored_band_positions(workspace, name)
    rows["band_position"] = rows["band"].map(position).fillna("middle")  # a band since renamed
    return rows, name


def _scores(workspace: Workspace, as_of: dt.date, scorecard: str | None) -> pd.DataFrame:
    """Latest score <= D per account, its band position and how long the band has held.

    Without any stored score (and no scorecard asked for), none: risk then comes from the
    churn model, else counts as unknown."""
    if scorecard is None and SNAPSHOTS not in workspace.con.list_tables():
        return pd.DataFrame(columns=SCORE_COLUMNS)
    rows, name = scored_history(workspace, as_of, scorecard)
    latest = rows.groupby("account_id").tail(1).set_index("account_id")
    changed = rows["band"] != rows.groupby("account_id")["band"].shift()
    streak_start = rows[changed].groupby("account_id")["as_of"].last()
    out = pd.DataFrame(
        {
            "score": latest["score_scaled"],
            "score_100": latest["score"],
            "band": latest["band"],
            "band_position": latest["band_position"],
            "score_date": latest["as_of"],
            "band_held_days": (
                pd.to_datetime(as_of) - pd.to_datetime(streak_start.reindex(latest.index))
            ).dt.days,
            "scorecard": name,
        }
    )
    return out.reset_index()


def _zero_dimensions(workspace: Workspace, scores: pd.DataFrame) -> pd.DataFrame:
    """One dimension scored 0 per account at its latest score date, if any."""
    if DIMENSIONS not in workspace.con.list_tables() or scores.empty:
        return pd.DataFrame(columns=["account_id", "zero_dimension"])
    t = workspace.con.table(DIMENSIONS)
    t = t.filter(t.score == 0, t.scorecard == scores["scorecard"].iloc[0])
    dims = t.select("account_id", "as_of", "dimension").to_pandas()
    dims["as_of"] = pd.to_datetime(dims["as_of"]).dt.date
    dims = dims.merge(
        scores[["account_id", "score_date"]],
        left_on=["account_id", "as_of"],
        right_on=["account_id", "score_date"],
    )
    dims = dims.sort_values(["account_id", "dimension"]).groupby("account_id").head(1)
    return dims[["account_id", "dimension"]].rename(columns={"dimension": "zero_dimension"})


def signal_facts(
    workspace: Workspace, as_of: dt.date, scorecard: str | None = None
) -> pd.DataFrame:
    """Risk type, evidence and fired kinds at the latest stored signal date <= D; dimensions
    vote from `scorecard`'s scores (default: the signals config's)."""
    columns = ["account_id", "risk_type", "evidence", "signal_kinds", "signals_date"]
    signals = stored_signals(workspace, until=as_of)
    if signals.empty:
        return pd.DataFrame(columns=columns)
    last = signals["as_of"].max()
    signals = signals[signals["as_of"] == last]
    fired = signals.drop_duplicates(["account_id", "kind"]).sort_values("kind")  # one per kind
    kinds = "|" + fired.groupby("account_id")["kind"].agg("|".join) + "|"
    risks = risk_types(workspace, signals, [last], scorecard=scorecard)
    risks = risks[["account_id", "risk_type", "evidence"]]
    found = risks.merge(kinds.rename("signal_kinds").reset_index(), on="account_id", how="outer")
    return found.assign(signals_date=last)


def churn_probabilities(workspace: Workspace, as_of: dt.date) -> pd.DataFrame:
    """The churn model's latest probability dated <= D per account."""
    if PREDICTIONS not in workspace.con.list_tables():
        return pd.DataFrame(columns=["account_id", "probability"])
    t = workspace.con.table(PREDICTIONS).filter(lambda t: t.as_of <= as_of)
    latest = t.group_by("account_id").agg(probability=t.probability.argmax(t.as_of))
    return latest.to_pandas()


def account_facts(
    workspace: Workspace, as_of: dt.date, scorecard: str | None = None
) -> pd.DataFrame:
    """One row per account active at D with every fact the playbooks and the ranking read."""
    state = account_state(workspace, dates_table([as_of]))
    state = state.filter(state.active).select(
        "account_id", "name", "segment", "csm", "arr", "days_to_renewal", "parent_account_id"
    )
    grid = state.mutate(as_of=as_of).select("account_id", "as_of")
    sentiment = latest_sentiment(workspace, grid).select("account_id", sentiment="rating")
    facts = state.left_join(sentiment, "account_id").drop("account_id_right").to_pandas()
    scores = _scores(workspace, as_of, scorecard)
    facts = facts.merge(scores, on="account_id", how="left")
    facts = facts.merge(_zero_dimensions(workspace, scores), on="account_id", how="left")
    card = scores["scorecard"].iloc[0] if not scores.empty else None
    facts = facts.merge(signal_facts(workspace, as_of, card), on="account_id", how="left")
    facts = _from_children(facts)
    facts = facts.merge(churn_probabilities(workspace, as_of), on="account_id", how="left")
    facts["signal_kinds"] = facts["signal_kinds"].fillna("||")
    facts["risk"] = facts["probability"].fillna(score_risk(facts["score_100"].astype(float)))
    facts["risk"] = facts["risk"].fillna(0.5).astype(float)
    facts["proximity"] = proximity(facts["days_to_renewal"].astype(float)).fillna(1.0)
    facts["arr_at_risk"] = facts["arr"].fillna(0) * facts["risk"] * facts["proximity"]
    return facts


def score_risk(score_100: Any) -> Any:
    """The risk a score on 0-100 stands for, (100 - score) / 100: pandas or Ibis alike."""
    return ((100.0 - score_100) / 100.0).clip(0.0, 1.0)


def proximity(days_to_renewal: Any) -> Any:
    """1 (renewal PROXIMITY_DAYS or more away) to 2 (renewal at D), growing linearly; null when
    there is no renewal date (the renewal at D is always after D). pandas or Ibis alike, so that
    the portfolio, the trends and the worklist say the same ARR at risk."""
    return 1.0 + ((PROXIMITY_DAYS - days_to_renewal) / float(PROXIMITY_DAYS)).clip(0.0, 1.0)


def _from_children(facts: pd.DataFrame) -> pd.DataFrame:
    """A parent without evidence of its own (its score may be its children's roll-up) takes the
    risk type and evidence of its lowest-scored child that has some, naming the child."""
    children = facts[facts["parent_account_id"].notna() & facts["risk_type"].notna()]
    worst = children.sort_values(["score", "account_id"], na_position="last")
    worst = worst.drop_duplicates("parent_account_id").set_index("parent_account_id")
    lacking = facts["risk_type"].isna() & facts["account_id"].isin(worst.index)
    if not lacking.any():
        return facts
    parents = facts.loc[lacking, "account_id"]
    evidence = parents.map(worst["account_id"]) + ": " + parents.map(worst["evidence"]).fillna("")
    return facts.assign(
        risk_type=facts["risk_type"].mask(lacking, parents.map(worst["risk_type"])),
        evidence=facts["evidence"].mask(lacking, evidence),
    )


def recommendations(facts: pd.DataFrame, books: list[Playbook]) -> pd.DataFrame:
    """Every (account, playbook) match: account_id, playbook, order, action fields."""
    parts = [
        pd.DataFrame(
            {
                "account_id": facts.loc[matches(book, facts), "account_id"],
                "playbook": book.name,
                "order": i,
                "action": book.action.title,
                "kind": book.action.kind,
                "owner_rule": book.action.owner,
                "due_days": book.action.due_days,
                "priority": book.action.priority,
            }
        )
        for i, book in enumerate(books)
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def worklist(
    facts: pd.DataFrame,
    books: list[Playbook],
    actions: pd.DataFrame,
    as_of: dt.date,
    csm: str | None = None,
) -> pd.DataFrame:
    """Accounts with a next action, largest ARR at risk first (account id breaks ties).

    `actions` are the workspace's (`list_actions`). An account whose next action is already
    open keeps its row, with the open action's id and due date: it is being handled, and
    opening the next playbook down instead would pile actions up on every run of `--record`.
    A playbook whose action was done or dismissed in the RECENTLY_CLOSED_DAYS up to D is not
    proposed again meanwhile: the CSM just dealt with it (one closed after D does not count
    for a past D; the open actions are those open now, the ones a CSM works on)."""
    found = recommendations(facts, books)
    if found.empty:
        return pd.DataFrame(columns=WORKLIST_COLUMNS)
    since = pd.Timestamp(as_of - dt.timedelta(days=RECENTLY_CLOSED_DAYS))
    until = pd.Timestamp(as_of + dt.timedelta(days=1))  # closed by D's end, not after it
    completed = actions["completed_at"]
    closed = actions[actions["status"].isin(CLOSED) & (completed >= since) & (completed < until)]
    found = found.merge(
        closed[["account_id", "playbook"]].drop_duplicates().assign(closed=True),
        on=["account_id", "playbook"],
        how="left",
    )
    found = found[found["closed"].isna()]
    open_actions = actions[actions["status"] == "open"]
    best = found.sort_values(["priority", "order"]).groupby("account_id").head(1)
    rows = facts.merge(best, on="account_id")
    if csm is not None:
        rows = rows[rows["csm"] == csm]
    rows["owner"] = np.where(rows["owner_rule"] == "csm", rows["csm"], rows["owner_rule"])
    taken = open_actions.drop_duplicates(["account_id", "playbook"]).rename(
        columns={"action_id": "open_action", "due_at": "open_due"}
    )[["account_id", "playbook", "open_action", "open_due"]]
    rows = rows.merge(taken, on=["account_id", "playbook"], how="left")
    due = pd.Timestamp(as_of) + pd.to_timedelta(rows["due_days"], unit="D")
    rows["due"] = pd.to_datetime(rows["open_due"]).fillna(due).dt.date
    rows = rows.sort_values(["arr_at_risk", "account_id"], ascending=[False, True])
    return rows[WORKLIST_COLUMNS].reset_index(drop=True)
