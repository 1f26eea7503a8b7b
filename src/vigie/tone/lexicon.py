"""The default tone scorer: VADER for English, its French adaptation for French.

Both are lexicon-and-rules scorers shipped with their data in the package (no
model download), and both handle negation ("not happy", "pas du tout
satisfait") and intensity ("very", "très"). The score is VADER's compound, in
[-1, 1]. Texts in another language get no tone (NaN).

Language detection and VADER are the per-text work of an import (VADER is
pure Python). A large batch is split in chunks over a pool of one process per
core, each detecting and scoring its chunk; a small batch stays in process,
where a pool costs more to start than it saves (benchmarks/tone_bench.py
measures both).
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from typing import Protocol

import numpy as np

from vigie.tone.language import WARM_UP, detect_languages

POOL_MIN_TEXTS = 20_000
"""Distinct texts from which the work is spread over a process pool."""
CHUNK = 4_000
ROLE_WORDS = ("champion", "champions")
"""Customer Success names a role with them, not a feeling: "our champion is leaving" is not
glad news, yet VADER's general lexicon scores "champion" as strongly positive."""


class Analyzer(Protocol):
    def polarity_scores(self, text: str) -> dict[str, float]: ...


@cache
def _analyzer(language: str) -> Analyzer:
    if language == "en":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    else:
        # Its regexes use invalid escapes: warned (DeprecationWarning on 3.11, SyntaxWarning
        # later) when its source is first compiled, an error under `-W error`.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="invalid escape sequence")
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer
    analyzer = SentimentIntensityAnalyzer()
    for word in ROLE_WORDS:
        analyzer.lexicon.pop(word, None)
    return analyzer


def vader_tones(texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
    """VADER compound per text (NaN unless its language is 'en' or 'fr')."""
    tones = np.full(len(texts), np.nan)
    for language in ("en", "fr"):
        polarity = _analyzer(language).polarity_scores
        for i in np.flatnonzero(np.asarray(languages, dtype=object) == language):
            tones[i] = polarity(texts[i])["compound"]
    return tones


def _chunk(texts: list[str], parallel: bool = False) -> tuple[list[str], np.ndarray]:
    languages = detect_languages(texts, parallel=parallel)
    return languages, vader_tones(texts, languages)


def default_scores(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Language and VADER tone of each text, over a process pool when the batch is large."""
    workers = min(2, os.cpu_count() or 1)
    if workers < 2 or len(texts) < POOL_MIN_TEXTS:
        return _chunk(list(texts), parallel=True)
    _analyzer("en"), _analyzer("fr")  # loaded once here, inherited by the forked workers
    detect_languages(WARM_UP, parallel=False)
    chunks = [list(texts[i : i + CHUNK]) for i in range(0, len(texts), CHUNK)]
    # fork: the workers inherit the loaded lexicons and language models; they run only
    # Python VADER and lingua's single-threaded detector, never DuckDB.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        results = list(pool.map(_chunk, chunks))
    languages = [language for found, _ in results for language in found]
    return languages, np.concatenate([tones for _, tones in results])
