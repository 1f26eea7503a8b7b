"""Score a batch of texts: language, tone and churn-intent phrases, each distinct text once.

Imports repeat themselves (the same "Thanks, see you next week" a thousand
times), so the batch is dictionary-encoded and each distinct text is scored
once, then spread back to its rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from vigie.tone.intents import IntentMatcher, load_intents
from vigie.tone.language import detect_languages
from vigie.tone.lexicon import default_scores
from vigie.tone.model import TrainedModel, active_model

SCORED_SCHEMA = pa.schema(
    {
        "language": pa.string(),
        "tone": pa.float64(),
        "scorer": pa.string(),
        "intents": pa.list_(pa.string()),
        "intent_phrases": pa.list_(pa.string()),
    }
)


@dataclass(frozen=True)
class ToneScorer:
    """The scorer a workspace uses: its intent phrases, and its trained model when active."""

    intents: IntentMatcher
    model: TrainedModel | None = None

    @classmethod
    def for_workspace(cls, root: Path | None) -> ToneScorer:
        return cls(load_intents(root), active_model(root) if root is not None else None)

    @property
    def name(self) -> str:
        return "default" if self.model is None else "trained"

    def languages_and_tones(self, texts: list[str]) -> tuple[list[str], np.ndarray]:
        """Language and tone per text in [-1, 1]; NaN tone for a language other than EN/FR."""
        if self.model is None:
            return default_scores(texts)
        languages = detect_languages(texts)
        tones = self.model.tones(texts)
        tones[np.asarray(languages, dtype=object) == "other"] = np.nan
        return languages, tones

    def score(self, texts: Sequence[str]) -> pa.Table:
        """One row per text (SCORED_SCHEMA), in order; identical texts are scored once."""
        encoded = pa.array(texts, pa.string()).dictionary_encode()
        unique: list[str] = encoded.dictionary.to_pylist()
        languages, tones = self.languages_and_tones(unique)
        kinds, phrases = self.intents.match(unique)
        scored = pa.table(
            {
                "language": pa.array(languages, pa.string()),
                "tone": pa.array(tones, pa.float64(), from_pandas=True),
                "scorer": pa.array([self.name] * len(unique), pa.string()),
                "intents": pa.array(kinds, pa.list_(pa.string())),
                "intent_phrases": pa.array(phrases, pa.list_(pa.string())),
            },
            schema=SCORED_SCHEMA,
        )
        return scored.take(encoded.indices)
