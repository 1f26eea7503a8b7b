"""Playbook rules: a YAML file validated by pydantic, matched against accounts as of D.

A rule's conditions all must hold (an unset condition always holds); a
condition on a value the account lacks (no score, no renewal date) does not
hold. Matching is one vectorised mask per rule over all accounts.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from vigie.errors import PlaybookError
from vigie.textfile import read_text_file

if TYPE_CHECKING:
    from vigie.workspace import Workspace

DEFAULTS = resources.files("vigie.playbooks") / "defaults.yaml"
BandPosition = Literal["top", "middle", "lowest"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Conditions(_Model):
    bands: list[BandPosition] | None = None
    score_min: float | None = None
    """Inclusive lower bound on the score on 0-100 (a /8 scorecard's 6 is 75), so the bundled
    tiers hold on every scorecard."""
    score_max: float | None = None
    """Exclusive upper bound, so 40-60 and 60-80 tiers never overlap."""
    risk_types: list[str] | None = None
    signal_kinds: list[str] | None = None
    """Any of these signals fired at the latest signal date."""
    renewal_within_days: int | None = Field(None, ge=0)
    segments: list[str] | None = None
    arr_min: float | None = None
    arr_max: float | None = None
    sentiments: list[str] | None = None
    band_held_days: int | None = Field(None, ge=1)
    dimension_at_zero: bool | None = None


class ActionSpec(_Model):
    kind: str
    title: str
    owner: str = "csm"
    due_days: int = Field(7, ge=0)
    priority: int = Field(3, ge=1)


class Playbook(_Model):
    name: str
    when: Conditions
    action: ActionSpec


class Playbooks(_Model):
    playbooks: list[Playbook]


WORKSPACE_FILE = "playbooks.yaml"
"""A team's playbooks kept in the workspace folder: the worklist command and page read them."""


def load_playbooks(
    path: Path | str | None = None, workspace: Workspace | None = None
) -> list[Playbook]:
    """The team's playbook file (`path`, else the workspace's playbooks.yaml), or the bundled
    defaults; refused whole when invalid."""
    if path is None and workspace is not None and (workspace.root / WORKSPACE_FILE).is_file():
        path = workspace.root / WORKSPACE_FILE
    source = "defaults.yaml" if path is None else str(path)
    if path is None:
        text = DEFAULTS.read_text(encoding="utf-8")
    else:
        if not Path(path).is_file():
            raise PlaybookError(f"Playbook file {path} not found: pass an existing YAML file.")
        text = read_text_file(path)
    try:
        tree = YAML(typ="safe").load(text)
        books = Playbooks.model_validate(tree).playbooks
    except YAMLError as exc:
        raise PlaybookError(f"{source} is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "\n".join(f"  {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise PlaybookError(f"{source} has invalid playbooks; fix:\n{problems}") from exc
    names = [b.name for b in books]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise PlaybookError(f"{source}: playbook names must be unique; repeated: {duplicated}.")
    return books


def _isin(column: pd.Series, values: list[str] | None) -> pd.Series:
    return column.isin(values) if values is not None else pd.Series(True, index=column.index)


def matches(book: Playbook, accounts: pd.DataFrame) -> pd.Series:
    """Boolean mask of the accounts (one row each, see worklist.account_facts) the rule selects."""
    w = book.when
    mask = _isin(accounts["band_position"], w.bands)
    mask &= _isin(accounts["risk_type"], w.risk_types)
    mask &= _isin(accounts["segment"], w.segments)
    mask &= _isin(accounts["sentiment"], w.sentiments)
    if w.score_min is not None:
        mask &= accounts["score_100"].ge(w.score_min).fillna(False)
    if w.score_max is not None:
        mask &= accounts["score_100"].lt(w.score_max).fillna(False)
    if w.arr_min is not None:
        mask &= accounts["arr"].ge(w.arr_min).fillna(False)
    if w.arr_max is not None:
        mask &= accounts["arr"].lt(w.arr_max).fillna(False)
    if w.renewal_within_days is not None:
        days = accounts["days_to_renewal"]
        mask &= days.between(0, w.renewal_within_days).fillna(False)
    if w.band_held_days is not None:
        mask &= accounts["band_held_days"].ge(w.band_held_days).fillna(False)
    if w.dimension_at_zero is not None:
        mask &= accounts["zero_dimension"].notna() == w.dimension_at_zero
    if w.signal_kinds is not None:
        # signal_kinds holds "|kind|kind|", so a kind matches whole, never as a prefix.
        pattern = "|".join(f"\\|{re.escape(k)}\\|" for k in w.signal_kinds)
        mask &= accounts["signal_kinds"].str.contains(pattern, regex=True).fillna(False)
    return mask.astype(bool)
