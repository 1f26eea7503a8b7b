"""Each bundled playbook on hand-built accounts: who it selects and who it leaves alone."""

from __future__ import annotations

import pandas as pd
import pytest

from vigie.errors import PlaybookError
from vigie.playbooks.rules import load_playbooks, matches
from vigie.workspace import Workspace

BASE = {
    "segment": "smb", "sentiment": None, "arr": 1000.0, "days_to_renewal": 300,
    "score_100": 65.0, "band_position": "middle", "band_held_days": 10, "zero_dimension": None,
    "risk_type": None, "signal_kinds": "||",
}  # fmt: skip


def facts(**cases: dict) -> pd.DataFrame:
    return pd.DataFrame([{"account_id": k, **BASE, **v} for k, v in cases.items()])


def selected(name: str, frame: pd.DataFrame) -> set[str]:
    book = next(b for b in load_playbooks() if b.name == name)
    return set(frame.loc[matches(book, frame), "account_id"])


def test_renewal_close_and_at_risk() -> None:
    frame = facts(
        near_red={"days_to_renewal": 30, "band_position": "lowest"},
        near_top={"days_to_renewal": 30, "band_position": "top"},
        far_red={"days_to_renewal": 200, "band_position": "lowest"},
        past={"days_to_renewal": -1, "band_position": "lowest"},
    )
    assert selected("renewal-at-risk", frame) == {"near_red"}


def test_churn_intent_gets_the_renewal_play_whenever_the_renewal_is() -> None:
    frame = facts(
        said_it={"signal_kinds": "|churn_intent|no_touch|", "days_to_renewal": 195},
        quiet={"signal_kinds": "|no_touch|"},
    )
    assert selected("churn-intent", frame) == {"said_it"}


@pytest.mark.parametrize(
    ("name", "risk"),
    [
        ("relationship-risk", "relationship"),
        ("usage-risk", "usage"),
        ("support-friction", "support"),
        ("satisfaction-risk", "satisfaction"),
        ("commercial-risk", "commercial"),
    ],
)
def test_risk_type_playbooks(name: str, risk: str) -> None:
    other = "usage" if risk != "usage" else "commercial"
    frame = facts(hit={"risk_type": risk}, other={"risk_type": other}, none={})
    assert selected(name, frame) == {"hit"}


def test_criterion_at_zero_only_when_total_looks_fine() -> None:
    frame = facts(
        fine={"zero_dimension": "usage", "band_position": "top"},
        red={"zero_dimension": "usage", "band_position": "lowest"},
        no_zero={"band_position": "top"},
    )
    assert selected("criterion-at-zero", frame) == {"fine"}


def test_advocacy_needs_top_band_held_three_months() -> None:
    frame = facts(
        held={"band_position": "top", "band_held_days": 90},
        recent={"band_position": "top", "band_held_days": 89},
        middle={"band_position": "middle", "band_held_days": 400},
    )
    assert selected("advocacy", frame) == {"held"}


def test_score_tiers_are_half_open() -> None:
    frame = facts(
        s0={"score_100": 0.0}, s39={"score_100": 39.9}, s40={"score_100": 40.0},
        s60={"score_100": 60.0}, s80={"score_100": 80.0}, s100={"score_100": 100.0},
        none={"score_100": None},
    )  # fmt: skip
    assert selected("tier-urgent", frame) == {"s0", "s39"}
    assert selected("tier-help", frame) == {"s40"}
    assert selected("tier-checkin", frame) == {"s60"}
    assert selected("tier-expansion", frame) == {"s80", "s100"}


def test_signal_kinds_match_whole_names(tmp_path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "playbooks:\n  - name: champ\n    when: {signal_kinds: [champion_left]}\n"
        "    action: {kind: call, title: Call}\n"
    )
    book = load_playbooks(path)[0]
    frame = facts(
        hit={"signal_kinds": "|champion_left|no_touch|"}, near={"signal_kinds": "|champion_left_x|"}
    )
    assert set(frame.loc[matches(book, frame), "account_id"]) == {"hit"}


def test_invalid_file_is_refused_with_the_field(tmp_path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "playbooks:\n  - name: x\n    when: {bandz: [top]}\n    action: {kind: a, title: b}\n"
    )
    with pytest.raises(PlaybookError, match="bandz"):
        load_playbooks(path)


def test_the_workspace_playbooks_replace_the_bundled_ones(tmp_path) -> None:
    """playbooks.yaml next to vigie.toml: read by the worklist command and page alike."""
    ws = Workspace.init(tmp_path / "ws")
    try:
        assert load_playbooks(workspace=ws) == load_playbooks()
        (ws.root / "playbooks.yaml").write_text(
            "playbooks:\n  - name: ours\n    when: {signal_kinds: [champion_left]}\n"
            "    action: {kind: call, title: Call}\n"
        )
        assert [b.name for b in load_playbooks(workspace=ws)] == ["ours"]
    finally:
        ws.close()
