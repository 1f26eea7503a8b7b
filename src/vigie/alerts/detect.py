"""What to alert on at a date: band changes, score drops, signals, review items, overdue actions.

Each alert has a stable key: an ongoing condition (a signal kind on an account,
an overdue action, an account in the review queue) keeps its key from run to run,
so the dedupe window stops it being sent every day; a band change or a drop is
keyed by its date.
"""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd

from vigie.alerts.config import AlertConfig, Rule
from vigie.engine.scoring import SNAPSHOTS
from vigie.playbooks.actions import list_actions
from vigie.review import review_queue
from vigie.signals.compute import stored_signals
from vigie.workspace import Workspace

ALERT_COLUMNS = ["alert_key", "rule", "account_id", "text"]


def _frame(rule: Rule, keys: pd.Series, accounts: pd.Series, texts: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "alert_key": keys.to_numpy(),
            "rule": rule.name,
            "account_id": accounts.to_numpy(),
            "text": texts.to_numpy(),
        },
        columns=ALERT_COLUMNS,
    )


def _last_two(workspace: Workspace, as_of: dt.date) -> pd.DataFrame:
    """Each scorecard's latest stored score at or before D beside the previous stored date's."""
    if SNAPSHOTS not in workspace.con.list_tables():
        return pd.DataFrame()
    t = workspace.con.table(SNAPSHOTS).filter(ibis._.as_of <= as_of)
    dates = t.select("scorecard", "as_of").distinct()
    ranked = dates.mutate(
        rank=ibis.row_number().over(group_by="scorecard", order_by=ibis.desc("as_of"))
    )
    top = ranked.filter(ranked["rank"] < 2)
    rows = t.join(top, ["scorecard", "as_of"]).select(
        "account_id", "scorecard", "as_of", "score", "band", "rank"
    )
    frame = rows.to_pandas()
    latest = frame[frame["rank"] == 0].drop(columns="rank")
    previous = frame[frame["rank"] == 1].drop(columns=["rank", "as_of"])
    return latest.merge(previous, on=["account_id", "scorecard"], suffixes=("", "_prev"))


def _band_change(rule: Rule, pairs: pd.DataFrame) -> pd.DataFrame:
    if pairs.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    moved = pairs[pairs["band"] != pairs["band_prev"]]
    day = moved["as_of"].astype(str)
    keys = "band:" + moved["account_id"] + ":" + moved["scorecard"] + ":" + day
    texts = (
        moved["scorecard"] + " band " + moved["band_prev"] + " -> " + moved["band"]
        + " on " + day + " (score " + moved["score"].round(1).astype(str) + ")"
    )  # fmt: skip
    return _frame(rule, keys, moved["account_id"], texts)


def _score_drop(rule: Rule, pairs: pd.DataFrame) -> pd.DataFrame:
    if pairs.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    change = pairs["score"] - pairs["score_prev"]
    dropped = pairs[change < -rule.threshold]
    day = dropped["as_of"].astype(str)
    keys = "drop:" + dropped["account_id"] + ":" + dropped["scorecard"] + ":" + day
    texts = (
        dropped["scorecard"] + " score fell " + (-change[dropped.index]).round(1).astype(str)
        + " points to " + dropped["score"].round(1).astype(str) + " on " + day
    )  # fmt: skip
    return _frame(rule, keys, dropped["account_id"], texts)


def _signals(rule: Rule, workspace: Workspace, as_of: dt.date) -> pd.DataFrame:
    fired = stored_signals(workspace, as_of, as_of)
    if rule.signal_kinds is not None:
        fired = fired[fired["kind"].isin(rule.signal_kinds)]
    keys = "signal:" + fired["account_id"] + ":" + fired["kind"]
    texts = "signal " + fired["kind"] + ": " + fired["evidence"].fillna("")
    return _frame(rule, keys, fired["account_id"], texts)


def _review(rule: Rule, workspace: Workspace, as_of: dt.date) -> pd.DataFrame:
    queue = review_queue(workspace, as_of)
    keys = "review:" + queue["account_id"]
    texts = (
        "in the review queue: score band " + queue["band"].fillna("?")
        + " but CSM rating " + queue["rating"].fillna("?")
    )  # fmt: skip
    return _frame(rule, keys, queue["account_id"], texts)


def _overdue(rule: Rule, workspace: Workspace, as_of: dt.date) -> pd.DataFrame:
    open_ = list_actions(workspace, status="open")
    late = open_[open_["due_at"].notna() & (open_["due_at"] < pd.Timestamp(as_of))]
    texts = (
        "action overdue since " + late["due_at"].dt.date.astype(str) + ": "
        + late["reason"].fillna(late["playbook"].fillna("")) + " (" + late["action_id"] + ")"
    )  # fmt: skip
    return _frame(rule, "overdue:" + late["action_id"], late["account_id"], texts)


def detect(workspace: Workspace, as_of: dt.date, config: AlertConfig) -> pd.DataFrame:
    """Alerts at D, one row per (rule, key), with the account's name and CSM."""
    pairs = _last_two(workspace, as_of)
    parts = []
    for rule in config.rules:
        if rule.kind == "band_change":
            parts.append(_band_change(rule, pairs))
        elif rule.kind == "score_drop":
            parts.append(_score_drop(rule, pairs))
        elif rule.kind == "signal":
            parts.append(_signals(rule, workspace, as_of))
        elif rule.kind == "review_item":
            parts.append(_review(rule, workspace, as_of))
        else:
            parts.append(_overdue(rule, workspace, as_of))
    alerts = pd.concat([p for p in parts if not p.empty] or [parts[0]], ignore_index=True)
    accounts = workspace.table("accounts").select("account_id", "name", "csm").to_pandas()
    alerts = alerts.drop_duplicates(["rule", "alert_key"]).merge(
        accounts, on="account_id", how="left"
    )
    return alerts.sort_values(["csm", "account_id", "alert_key"], ignore_index=True)
