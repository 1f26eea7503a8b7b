"""`vigie tone train`: fit a text classifier on labelled texts, keep it only if it beats VADER.

Both scorers are judged on the same stratified folds: the classifier is
refitted on each fold's training part and predicts its held-out part, while
the default scorer's tone is banded (<= -0.05 negative, >= 0.05 positive,
else neutral) on the same held-out texts. The trained model becomes active
only when its mean accuracy is higher by more than one standard error of the
per-fold differences, so a lucky fold on noise does not replace the default.
"""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from vigie.errors import ToneError
from vigie.tone.lexicon import default_scores
from vigie.tone.model import LABELS, save_model
from vigie.tone.store import TONE_EDGE
from vigie.workspace import Workspace

MAX_FOLDS = 5
SEED = 0


@dataclass(frozen=True)
class TrainReport:
    n: int
    counts: dict[str, int]
    folds: int
    trained_accuracy: float
    default_accuracy: float
    majority_accuracy: float
    """Always answering the most common label: the floor both scorers should clear."""
    active: bool
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "counts": self.counts,
            "folds": self.folds,
            "trained_accuracy": round(self.trained_accuracy, 4),
            "default_accuracy": round(self.default_accuracy, 4),
            "majority_accuracy": round(self.majority_accuracy, 4),
            "active": self.active,
            "source": self.source,
        }


def make_pipeline() -> Pipeline:
    """Word and character n-grams (robust to typos and FR/EN inflection), then a linear model."""
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ]
    )
    return Pipeline([("features", features), ("model", LogisticRegression(max_iter=2000, C=4.0))])


def tone_labels(tones: np.ndarray) -> np.ndarray:
    """The default scorer's answer as a label: `tone_band`, with no tone counted neutral."""
    return np.where(
        tones <= -TONE_EDGE, "negative", np.where(tones >= TONE_EDGE, "positive", "neutral")
    )


def _check(labelled: pd.DataFrame, source: str) -> int:
    """Number of folds possible; a user error if the labels cannot support cross-validation."""
    counts = labelled["label"].value_counts()
    if labelled.empty:
        raise ToneError(
            f"No labelled texts in {source}. Give a CSV with --labels FILE (columns text,label), "
            "or import sentiment comments and interaction notes with text."
        )
    if len(counts) < 2:
        raise ToneError(
            f"All {len(labelled)} labelled texts in {source} are {counts.index[0]!r}: "
            "training needs at least two of negative, neutral, positive."
        )
    if counts.min() < 2:
        raise ToneError(
            f"Too few examples of {counts.idxmin()!r} in {source} ({counts.min()}): "
            "each label needs at least two for cross-validation."
        )
    return int(min(MAX_FOLDS, counts.min()))


def cross_validate(texts: list[str], labels: np.ndarray, folds: int) -> tuple[float, float, bool]:
    """Mean held-out accuracy of the trained model and of the default, and whether it wins."""
    default = tone_labels(default_scores(texts)[1])
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    trained_scores, default_accuracies = [], []
    array = np.asarray(texts, dtype=object)
    for train, test in splitter.split(array, labels):
        pipeline = make_pipeline().fit(array[train], labels[train])
        trained_scores.append(float(np.mean(pipeline.predict(array[test]) == labels[test])))
        default_accuracies.append(float(np.mean(default[test] == labels[test])))
    diff = np.asarray(trained_scores) - np.asarray(default_accuracies)
    error = float(diff.std(ddof=1) / np.sqrt(folds)) if folds > 1 else 0.0
    return float(np.mean(trained_scores)), float(np.mean(default_accuracies)), diff.mean() > error


def train(workspace: Workspace, labelled: pd.DataFrame, source: str) -> TrainReport:
    """Cross-validate, then store the model fitted on every text, active only if it wins."""
    folds = _check(labelled, source)
    texts = labelled["text"].astype(str).tolist()
    labels = labelled["label"].to_numpy(dtype=object)
    trained, default, wins = cross_validate(texts, labels, folds)
    counts = {label: int((labels == label).sum()) for label in LABELS}
    majority = max(counts.values()) / len(texts)
    report = TrainReport(len(texts), counts, folds, trained, default, majority, bool(wins), source)
    meta = report.to_dict() | {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "versions": {
            "python": platform.python_version(),
            "scikit-learn": version("scikit-learn"),
            "vaderSentiment": version("vaderSentiment"),
            "lingua-language-detector": version("lingua-language-detector"),
        },
    }
    save_model(Path(workspace.root), make_pipeline().fit(texts, labels), meta)
    return report
