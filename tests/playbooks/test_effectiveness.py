"""Recoveries after actions, saved ARR and the no-action baseline on hand-built scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import ibis
import pandas as pd
import pytest
from playbook_helpers import load

from vigie.engine.scoring import SCHEMAS, SNAPSHOTS
from vigie.playbooks.actions import open_actions
from vigie.playbooks.effectiveness import NO_ACTION, effectiveness
from vigie.workspace import Workspace

SCORE = {"green": 80.0, "yellow": 50.0, "red": 20.0}
BANDS = {  # account: bands on the first of Dec 2023, Jan, Feb, Mar 2024
    "R1": ["yellow", "red", "green", "green"],  # red, action, recovered
    "R2": [None, "red", "red", "red"],  # red, action, still red
    "N1": [None, "red", "red", "green"],  # red, no action, recovered alone
    "N2": [None, "red", "red", "red"],  # red, no action, still red
}
DATES = [dt.date(2023, 12, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.init(tmp_path / "ws")
    load(workspace, "accounts", [{"account_id": a, "name": a} for a in BANDS])
    load(
        workspace,
        "subscriptions",
        [
            {"subscription_id": a, "account_id": a, "start_date": dt.date(2023, 1, 1),
             "arr": 1000.0 * (i + 1)}
            for i, a in enumerate(BANDS)
        ],
    )  # fmt: skip
    rows = [
        {"account_id": a, "as_of": d, "scorecard": "t", "band": b, "score_scaled": SCORE[b]}
        for a, bands in BANDS.items()
        for d, b in zip(DATES, bands, strict=True)
        if b is not None
    ]
    frame = pd.DataFrame(rows).reindex(columns=list(SCHEMAS[SNAPSHOTS].names))
    workspace.con.create_table(SNAPSHOTS, ibis.memtable(frame, schema=SCHEMAS[SNAPSHOTS]))
    todo = pd.DataFrame(
        {"account_id": ["R1", "R2"], "playbook": "p", "reason": "call", "owner": "ann",
         "due_days": 3}
    )  # fmt: skip
    open_actions(workspace, todo, now=dt.datetime(2024, 1, 2, 9))
    yield workspace
    workspace.close()


def test_recovery_rate_saved_arr_and_baseline(ws: Workspace) -> None:
    e = effectiveness(ws, dt.date(2024, 6, 1))
    assert e.turned_red.values.tolist() == [["2024-01", 1]]  # R1 yellow -> red
    got = e.playbooks.set_index("playbook")
    assert got.loc["p", ["started_red", "recovered", "saved_arr"]].tolist() == [2, 1, 1000.0]
    # Baseline: N1 in Jan and Feb (both recover by March), N2 in Jan, Feb, Mar (never);
    # R1 and R2 are left out because an action was created within 90 days.
    assert got.loc[NO_ACTION, ["started_red", "recovered"]].tolist() == [5, 2]
    assert got.loc[NO_ACTION, "recovery_rate"] == pytest.approx(0.4)


def test_recovery_after_d_is_not_seen_and_open_windows_are_pending(ws: Workspace) -> None:
    """On 2024-01-20 the actions of 2024-01-02 have 72 days left to work: neither a recovery
    nor a failure yet, so the rate is unknown rather than 0 %."""
    got = effectiveness(ws, dt.date(2024, 1, 20)).playbooks.set_index("playbook")
    assert got.loc["p", ["started_red", "recovered", "pending"]].tolist() == [0, 0, 2]
    assert pd.isna(got.loc["p", "recovery_rate"])


def test_before_any_score_there_is_nothing_to_measure(ws: Workspace) -> None:
    e = effectiveness(ws, dt.date(2023, 6, 1))
    assert e.turned_red.empty and e.playbooks.empty
