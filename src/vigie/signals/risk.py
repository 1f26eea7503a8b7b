"""Primary risk type per account as of D: which kind of trouble, with the evidence.

Each signal votes for one risk type with its severity (low 1, medium 2, high 3);
a dimension in its scorecard's lowest band adds 2 to its type, a middle band 1.
The type with most points is the account's primary risk; ties go to the type
listed first in RISK_TYPES (commercial first: a renewal does not wait). Score
drops and trends say how fast, not why, so they do not vote. Playbooks map a
risk type to the next action.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import pandas as pd

from vigie.engine.history import stored_band_positions
from vigie.engine.scoring import DIMENSIONS
from vigie.engine.state import dates_table
from vigie.scorecard.named import band_positions
from vigie.scorecard.spec import load_scorecard
from vigie.signals.base import SEVERITY_RANK
from vigie.signals.config import SignalConfig, compared_scorecard, load_config
from vigie.workspace import Workspace

RISK_TYPES = ("commercial", "relationship", "usage", "support", "satisfaction")
KIND_RISK = {
    "usage_drop": "usage",
    "active_users_drop": "usage",
    "frequency_downgrade": "usage",
    "feature_disengaged": "usage",
    "low_peer_usage": "usage",
    "champion_left": "relationship",
    "decision_maker_left": "relationship",
    "no_champion": "relationship",
    "new_executive": "relationship",
    "no_touch": "relationship",
    "stale_sentiment": "relationship",
    "repeat_topic": "support",
    "escalations": "support",
    "sla_breach": "support",
    "hidden_dissatisfaction": "satisfaction",
    "tone_falling": "satisfaction",
    "hidden_dissatisfaction_text": "satisfaction",
    "negative_tone_key_contact": "relationship",
    "churn_intent": "commercial",
    "renewal_at_risk": "commercial",
    "late_payment": "commercial",
}
DIMENSION_RISK = {
    "usage": "usage",
    "adoption": "usage",
    "relationship": "relationship",
    "support": "support",
    "satisfaction": "satisfaction",
    "commercial": "commercial",
}
"""Scorecard dimension names that speak for a risk type (other dimensions do not vote)."""


BAND_POINTS = {"top": 0.0, "middle": 1.0, "lowest": 2.0}
"""A dimension's vote by the place of its band; a band the scorecard does not name: none."""


def _signal_votes(signals: pd.DataFrame) -> pd.DataFrame:
    votes = signals.assign(
        risk=signals["kind"].map(KIND_RISK),
        points=signals["severity"].map(SEVERITY_RANK).astype(float),
    )
    # dimension_drop names its dimension first in its evidence ("usage fell over 90 days: ...").
    drops = signals["kind"] == "dimension_drop"
    votes.loc[drops, "risk"] = (
        signals.loc[drops, "evidence"].str.split(" ").str[0].map(DIMENSION_RISK)
    )
    return votes.dropna(subset=["risk"])[["account_id", "as_of", "risk", "points", "evidence"]]


def _stored_name_and_bands(workspace: Workspace, scorecard: str) -> tuple[str, dict[str, str]]:
    """The name `scorecard`'s scores are stored under, and its band positions. `scorecard` is
    a stored name (a workspace scorecard, a template, or only known from its scores) or, in a
    signals config, a YAML file."""
    if Path(scorecard).suffix in (".yaml", ".yml"):
        card = load_scorecard(Path(scorecard))
        return card.name, band_positions(card)
    return scorecard, stored_band_positions(workspace, scorecard)


def _dimension_votes(
    workspace: Workspace, dates: list[dt.date], config: SignalConfig, scorecard: str | None
) -> pd.DataFrame:
    """Dimensions outside the top band at each date (latest snapshot within the tolerance) of
    `scorecard` (default: the signals config's score_direction scorecard)."""
    columns = ["account_id", "as_of", "risk", "points", "evidence"]
    if DIMENSIONS not in workspace.con.list_tables():
        return pd.DataFrame(columns=columns)
    cfg = config.score_direction
    name, bands = _stored_name_and_bands(
        workspace, scorecard or compared_scorecard(config, workspace)
    )
    t = workspace.con.table(DIMENSIONS)
    t = t.filter(t.scorecard == name).rename(day="as_of")
    d = dates_table(dates)
    back = ibis.interval(days=cfg.tolerance_days)
    j = d.join(t, [t.day <= d.as_of, t.day >= d.as_of - back])
    latest = j.group_by(["account_id", "as_of", "dimension"]).agg(
        band=j.band.argmax(j.day), score=j.score.argmax(j.day)
    )
    rows = latest.to_pandas()
    rows["as_of"] = pd.to_datetime(rows["as_of"]).dt.date
    rows = rows.assign(
        risk=rows["dimension"].map(DIMENSION_RISK),
        points=rows["band"].map({b: BAND_POINTS[p] for b, p in bands.items()}),
        evidence=rows["dimension"]
        + " dimension "
        + rows["band"]
        + " ("
        + rows["score"].round(0).astype("Int64").astype(str)
        + ")",
    )
    return rows[(rows["points"] > 0) & rows["risk"].notna()][columns]


def risk_types(
    workspace: Workspace,
    signals: pd.DataFrame,
    dates: list[dt.date],
    config: SignalConfig | None = None,
    scorecard: str | None = None,
) -> pd.DataFrame:
    """account_id, as_of, risk_type, points, evidence: one row per account with any risk.
    Dimensions vote from `scorecard`'s stored scores (default: the config's)."""
    config = config or load_config(workspace=workspace)
    signals = signals[signals["as_of"].isin(dates)]
    votes = pd.concat(
        [_signal_votes(signals), _dimension_votes(workspace, dates, config, scorecard)],
        ignore_index=True,
    )
    if votes.empty:
        return pd.DataFrame(columns=["account_id", "as_of", "risk_type", "points", "evidence"])
    totals = votes.groupby(["account_id", "as_of", "risk"], as_index=False)["points"].sum()
    totals["order"] = totals["risk"].map({r: i for i, r in enumerate(RISK_TYPES)})
    primary = (
        totals.sort_values(["points", "order"], ascending=[False, True])
        .groupby(["account_id", "as_of"])
        .head(1)
    )
    evidence = (
        votes.sort_values(["points", "evidence"], ascending=[False, True])  # ties: one order
        .groupby(["account_id", "as_of", "risk"])["evidence"]
        .agg("; ".join)
        .reset_index()
    )
    out = primary.merge(evidence, on=["account_id", "as_of", "risk"])
    out = out.rename(columns={"risk": "risk_type"})
    return out[["account_id", "as_of", "risk_type", "points", "evidence"]].sort_values(
        ["as_of", "points", "account_id"], ascending=[True, False, True], ignore_index=True
    )
