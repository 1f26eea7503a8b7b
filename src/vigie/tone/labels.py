"""Labelled texts for training a tone model: from a CSV, or from the workspace's own data.

In the workspace the CSM's sentiment is the label: a sentiment's comment, and
the notes of the account's interactions in the 14 days up to a rating, take
that rating (red -> negative, yellow -> neutral, green -> positive); a note
covered by several ratings takes the nearest one after it.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import ibis
import pandas as pd

from vigie.errors import ToneError
from vigie.tone.model import LABELS
from vigie.workspace import Workspace

WINDOW = dt.timedelta(days=14)
RATING_LABELS = {"red": "negative", "yellow": "neutral", "green": "positive"}


def labels_from_csv(path: Path) -> pd.DataFrame:
    """Columns text, label; every problem is reported with its line."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"text", "label"} - set(reader.fieldnames or [])
            if missing:
                raise ToneError(
                    f"{path}: needs columns text and label (missing {', '.join(sorted(missing))}); "
                    f"it has: {', '.join(reader.fieldnames or []) or 'no header'}."
                )
            rows = [
                (i, r["text"], (r["label"] or "").strip().lower()) for i, r in enumerate(reader, 2)
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ToneError(f"Cannot read labels file {path}: {exc}") from None
    bad = [f"  {path}:{line}: label {label!r}" for line, _, label in rows if label not in LABELS]
    if bad:
        shown = "\n".join(bad[:20]) + (f"\n  ... and {len(bad) - 20} more" if len(bad) > 20 else "")
        raise ToneError(f"Labels must be one of {', '.join(LABELS)}:\n{shown}")
    frame = pd.DataFrame([(t, lab) for _, t, lab in rows], columns=["text", "label"])
    return frame[frame["text"].fillna("").str.strip() != ""].reset_index(drop=True)


def labels_from_workspace(workspace: Workspace) -> pd.DataFrame:
    """Sentiment comments and the interaction notes of the 14 days before each rating."""
    sentiments = workspace.table("sentiments")
    interactions = workspace.table("interactions")
    label = sentiments.rating.substitute(RATING_LABELS)
    comments = sentiments.filter(sentiments.comment.strip() != "").select(
        text=sentiments.comment, label=label
    )
    rated = sentiments.select("account_id", "rated_at", label=label)
    notes = interactions.filter(interactions.notes.strip() != "")
    pairs = notes.join(
        rated,
        (notes.account_id == rated.account_id)
        & (rated.rated_at >= notes.occurred_at)
        & (rated.rated_at <= notes.occurred_at + ibis.interval(days=WINDOW.days)),
    )
    nearest = pairs.mutate(
        rank=ibis.row_number().over(group_by=pairs.interaction_id, order_by=pairs.rated_at)
    )
    notes_labelled = nearest.filter(nearest["rank"] == 0).select(text=nearest.notes, label="label")
    frame = comments.union(notes_labelled).to_pandas()
    return frame.astype({"text": str, "label": str}).reset_index(drop=True)
