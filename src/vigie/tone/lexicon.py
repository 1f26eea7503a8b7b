"""The default tone scorer: VADER for English, its French adaptation for French.

Both are lexicon-and-rules scorers shipped with their data in the package (no
model download), and both handle negation ("not happy", "pas du tout
satisfait") and intensity ("very", "très"). The score is VADER's compound, in
[-1, 1]. Texts in another language get no tone (NaN).

VADER is pure Python (about 10k English and 4k French texts per second per
core), so a large batch is split over a process pool with one process per
core; small batches stay in process, where a pool would cost more to start
than it saves (see benchmarks/tone_bench.py).
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

POOL_MIN_TEXTS = 20_000
"""Unique texts from which scoring is spread over a process pool."""
CHUNK = 5_000


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
    return SentimentIntensityAnalyzer()


def _score_chunk(language: str, texts: list[str]) -> list[float]:
    polarity = _analyzer(language).polarity_scores
    return [polarity(text)["compound"] for text in texts]


def _warm() -> None:
    """Pool initializer: load both lexicons once per worker, not once per chunk."""
    _analyzer("en")
    _analyzer("fr")


def vader_tones(texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
    """VADER compound per text (NaN unless its language is 'en' or 'fr')."""
    tones = np.full(len(texts), np.nan)
    langs = np.asarray(languages, dtype=object)
    jobs: list[tuple[str, np.ndarray]] = []
    for language in ("en", "fr"):
        positions = np.flatnonzero(langs == language)
        jobs += [(language, positions[i : i + CHUNK]) for i in range(0, positions.size, CHUNK)]
    chunks = [(language, [texts[i] for i in positions]) for language, positions in jobs]
    workers = min(2, os.cpu_count() or 1)
    if workers > 1 and sum(len(c) for _, c in chunks) >= POOL_MIN_TEXTS:
        # fork: workers inherit the loaded lexicons and run only VADER (no DuckDB, no lingua).
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm) as pool:
            results = list(pool.map(_score_chunk, *zip(*chunks, strict=True)))
    else:
        results = [_score_chunk(language, chunk) for language, chunk in chunks]
    for (_, positions), scores in zip(jobs, results, strict=True):
        tones[positions] = scores
    return tones
