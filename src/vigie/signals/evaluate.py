"""How well each signal kind warned of churn, measured on history (the docs' table).

Churn (a label, read with hindsight on purpose): an account's last subscription
ends, with no open-ended one, before the data ends. For each kind:
- recall: share of churners where it fired within `horizon` days before churn;
- precision: share of firings followed by churn within `horizon` days (only
  firings whose horizon is fully observed count);
- median lead: days from its first firing in that window to churn.
The base rate (share of active account-dates that churn within the horizon)
is what precision must beat.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from ibis import _

from vigie.engine.state import account_state, dates_table
from vigie.workspace import Workspace


def churn_dates(workspace: Workspace, end: dt.date) -> pd.DataFrame:
    """account_id, churn_date: the end of the last subscription when nothing follows it."""
    subs = workspace.table("subscriptions")
    last = subs.group_by("account_id").agg(
        open_ended=_.end_date.isnull().any(), churn_date=_.end_date.max()
    )
    churned = last.filter(~last.open_ended, last.churn_date < end)
    frame = churned.select("account_id", "churn_date").to_pandas()
    frame["churn_date"] = pd.to_datetime(frame["churn_date"]).dt.date
    return frame


def evaluate(
    workspace: Workspace,
    signals: pd.DataFrame,
    dates: list[dt.date],
    end: dt.date,
    horizon: int = 120,
) -> pd.DataFrame:
    """One row per kind (plus `any signal`): firings, recall, precision, median lead, base rate."""
    window = dt.timedelta(days=horizon)
    churn = churn_dates(workspace, end)
    observed = signals[signals["as_of"] + window <= end]
    labelled = observed.merge(churn, on="account_id", how="left")
    labelled["hit"] = (labelled["churn_date"] > labelled["as_of"]) & (
        labelled["churn_date"] <= labelled["as_of"] + window
    )
    # Churners whose whole warning window lies inside the evaluated dates.
    first, last = min(dates), max(dates)
    cohort = churn[(churn["churn_date"] >= first + window) & (churn["churn_date"] <= last)]
    before = signals.merge(cohort, on="account_id")
    before = before[
        (before["as_of"] < before["churn_date"])
        & (before["as_of"] >= before["churn_date"] - window)
    ]
    base = _base_rate(workspace, [d for d in dates if d + window <= end], churn, window)
    rows = []
    kinds = sorted(signals["kind"].unique())
    for kind in [*kinds, "any signal"]:
        every = kind == "any signal"
        fired = labelled if every else labelled[labelled["kind"] == kind]
        warned = before if every else before[before["kind"] == kind]
        caught = warned.groupby("account_id").agg(
            first=("as_of", "min"), churn=("churn_date", "first")
        )
        leads = (pd.to_datetime(caught["churn"]) - pd.to_datetime(caught["first"])).dt.days
        pairs = fired.drop_duplicates(["account_id", "as_of"])
        rows.append(
            {
                "kind": kind,
                "firings": len(pairs),
                "churners": len(cohort),
                "recall": len(caught) / len(cohort) if len(cohort) else float("nan"),
                "precision": pairs["hit"].mean() if len(pairs) else float("nan"),
                "lift": pairs["hit"].mean() / base if len(pairs) and base else float("nan"),
                "median_lead_days": float(leads.median()) if len(leads) else float("nan"),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["base_rate"] = base
    return out


def _base_rate(
    workspace: Workspace, dates: list[dt.date], churn: pd.DataFrame, window: dt.timedelta
) -> float:
    """Share of active (account, date) pairs that churn within the window."""
    if not dates:
        return float("nan")
    state = account_state(workspace, dates_table(dates))
    active = state.filter(state.active).select("account_id", "as_of").to_pandas()
    active["as_of"] = pd.to_datetime(active["as_of"]).dt.date
    rows = active.merge(churn, on="account_id", how="left")
    hit = (rows["churn_date"] > rows["as_of"]) & (rows["churn_date"] <= rows["as_of"] + window)
    return float(hit.mean())
