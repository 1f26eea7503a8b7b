"""The trained tone model stored in a workspace: `<workspace>/tone/model.joblib` + `model.json`.

`vigie tone train` writes both; the model is used for new texts only while
`model.json` says it is active, which training sets only when its
cross-validated accuracy beat the default scorer's on the same folds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # scikit-learn takes seconds to import: only when a model is used
    from sklearn.pipeline import Pipeline

MODEL_DIR = "tone"
MODEL_FILE = "model.joblib"
META_FILE = "model.json"
LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class TrainedModel:
    """A fitted text classifier; its tone is P(positive) - P(negative), in [-1, 1]."""

    pipeline: Pipeline
    meta: dict[str, Any]

    def tones(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        proba = self.pipeline.predict_proba(texts)
        classes = list(self.pipeline.classes_)
        column = {c: proba[:, classes.index(c)] if c in classes else 0.0 for c in LABELS}
        return np.asarray(column["positive"] - column["negative"], dtype=float)


def model_dir(root: Path) -> Path:
    return root / MODEL_DIR


def save_model(root: Path, pipeline: Pipeline, meta: dict[str, Any]) -> None:
    folder = model_dir(root)
    import joblib

    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, folder / MODEL_FILE)
    (folder / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def read_meta(root: Path) -> dict[str, Any] | None:
    path = model_dir(root) / META_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def active_model(root: Path) -> TrainedModel | None:
    """The workspace's trained model if one is stored and active, else None (use the default)."""
    meta = read_meta(root)
    if meta is None or not meta.get("active"):
        return None
    import joblib

    return TrainedModel(joblib.load(model_dir(root) / MODEL_FILE), meta)
