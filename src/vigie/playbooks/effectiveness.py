"""Do actions work? Accounts turning red, recoveries after actions, saved ARR, and a baseline.

An action counts as a recovery when its account was in the lowest band on its
latest score at the action's creation and reached the top band within
RECOVERY_DAYS after it. Saved ARR is the ARR (from dated subscriptions) at the
action's creation of the recovered accounts. The baseline ("no action") takes
every account in the lowest band on the first score of each month with no
action created within RECOVERY_DAYS before or after, and measures how often
those recovered on their own in the same window. Only scores dated <= D count.
A start whose window is still open at D and has not recovered yet is `pending`: it
counts neither as a recovery nor as a failure, so this month's actions do not drag
the rates down.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from vigie.engine.state import account_state, dates_table
from vigie.playbooks.actions import list_actions
from vigie.playbooks.worklist import scored_history
from vigie.workspace import Workspace

RECOVERY_DAYS = 90
NO_ACTION = "(no action)"
PLAYBOOK_COLUMNS = [
    "playbook", "started_red", "recovered", "pending", "saved_arr", "recovery_rate"
]  # fmt: skip


@dataclass(frozen=True)
class Effectiveness:
    turned_red: pd.DataFrame
    """month, accounts: moves into the lowest band, by month."""
    playbooks: pd.DataFrame
    """PLAYBOOK_COLUMNS per playbook, plus the baseline row; started_red counts the decided."""


def _recovered(starts: pd.DataFrame, history: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Per start (index kept): reached the top band in (start, start + RECOVERY_DAYS], by D."""
    top = history[history["band_position"] == "top"][["account_id", "as_of"]]
    top = top.rename(columns={"as_of": "top_at"})
    j = starts[["account_id", "start"]].reset_index().merge(top, on="account_id")
    end = (pd.to_datetime(j["start"]) + pd.Timedelta(days=RECOVERY_DAYS)).dt.date.clip(upper=as_of)
    hit = j[(j["top_at"] > j["start"]) & (j["top_at"] <= end)]["index"].unique()
    return starts.index.to_series().isin(hit)


def effectiveness(
    workspace: Workspace, as_of: dt.date, scorecard: str | None = None
) -> Effectiveness:
    """Turned-red counts per month and recovery rates per playbook against the baseline."""
    history, _ = scored_history(workspace, as_of, scorecard)
    if history.empty:  # nothing scored by D: nothing turned red, nothing to credit
        return Effectiveness(
            turned_red=pd.DataFrame(columns=["month", "accounts"]),
            playbooks=pd.DataFrame(columns=PLAYBOOK_COLUMNS),
        )
    lowest = history["band_position"] == "lowest"
    before = history.groupby("account_id")["band_position"].shift()
    moved = history[lowest & before.notna() & (before != "lowest")]
    turned_red = pd.to_datetime(moved["as_of"]).dt.strftime("%Y-%m").value_counts().sort_index()
    turned_red = turned_red.rename_axis("month").rename("accounts").reset_index()

    actions = list_actions(workspace)
    actions = actions[actions["created_at"].dt.date <= as_of]
    starts = actions.assign(start=actions["created_at"].dt.date)[
        ["action_id", "account_id", "playbook", "start"]
    ]
    starts["playbook"] = starts["playbook"].fillna("manual")
    band_at = pd.merge_asof(
        starts.assign(key=pd.to_datetime(starts["start"])).sort_values("key"),
        history.assign(key=pd.to_datetime(history["as_of"]))[
            ["account_id", "key", "band_position"]
        ].sort_values("key"),
        on="key",
        by="account_id",
    )
    red_starts = band_at[band_at["band_position"] == "lowest"].reset_index(drop=True)
    red_starts["recovered"] = _recovered(red_starts, history, as_of)
    if not red_starts.empty:
        state = account_state(workspace, dates_table(list(red_starts["start"].unique())))
        arr = state.select("account_id", "as_of", "arr").to_pandas()
        arr["as_of"] = pd.to_datetime(arr["as_of"]).dt.date
        red_starts = red_starts.merge(
            arr, left_on=["account_id", "start"], right_on=["account_id", "as_of"], how="left"
        )
    else:
        red_starts["arr"] = []

    month = pd.to_datetime(history["as_of"]).dt.to_period("M")
    first_of_month = ~history.assign(month=month).duplicated(["account_id", "month"])
    firsts = history[first_of_month & lowest]
    baseline = firsts.assign(start=firsts["as_of"])[["account_id", "start"]]
    near = baseline.reset_index().merge(starts[["account_id", "start"]], on="account_id")
    gap = (pd.to_datetime(near["start_x"]) - pd.to_datetime(near["start_y"])).dt.days.abs()
    touched = near[gap <= RECOVERY_DAYS]["index"].unique()
    baseline = baseline[~baseline.index.isin(touched)].reset_index(drop=True)
    baseline["recovered"] = _recovered(baseline, history, as_of)
    baseline["playbook"] = NO_ACTION
    baseline["arr"] = 0.0  # nothing was done, so nothing is credited as saved

    both = pd.concat([red_starts, baseline], ignore_index=True)
    window_open = pd.to_datetime(both["start"]) + pd.Timedelta(days=RECOVERY_DAYS) > pd.Timestamp(
        as_of
    )
    both["pending"] = window_open & ~both["recovered"].astype(bool)
    decided = both[~both["pending"]]
    table = decided.groupby("playbook").agg(
        started_red=("recovered", "size"), recovered=("recovered", "sum")
    )
    table = table.reindex(both["playbook"].unique(), fill_value=0)
    table["pending"] = both.groupby("playbook")["pending"].sum()
    saved = both["arr"].fillna(0.0).where(both["recovered"].astype(bool), 0.0)
    table["saved_arr"] = saved.groupby(both["playbook"]).sum()
    table["recovery_rate"] = table["recovered"] / table["started_red"].where(
        table["started_red"] > 0
    )
    table = table.rename_axis("playbook").reset_index()
    return Effectiveness(turned_red=turned_red, playbooks=table[PLAYBOOK_COLUMNS])
