"""Language of each text: 'en', 'fr' or 'other', detected offline by lingua.

The detector knows a handful of languages, not just English and French, so a
German or Spanish email is called 'other' instead of being forced into one of
the two. Lingua's low-accuracy mode (trigrams only) is two to three times
faster, and as accurate as the full mode on CS texts of 40 characters or more
(measured on generated EN/FR notes), but it misreads about one text in six
under that ("Login fails" as French). So short texts, the ambiguous ones and
also the cheap ones, go through the high-accuracy detector and longer texts
through the fast one. Only the first 100 characters are read: that settles
the language, and a long email body would otherwise cost in proportion to
its length. A batch is detected in parallel in lingua's Rust core, except
inside the scoring pool's worker processes, which are the parallelism there.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH)
CODES = {Language.ENGLISH: "en", Language.FRENCH: "fr"}
SHORT = 40
"""Characters under which a text goes to the high-accuracy detector."""
READ = 100
"""Characters of each text the detector reads."""


@cache
def _detector(low_accuracy: bool) -> LanguageDetector:
    builder = LanguageDetectorBuilder.from_languages(*LANGUAGES)  # models load on first use
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


WARM_UP = ("warm up", "A sentence long enough for the fast detector to load its models.")
"""One text for each detector: loads their models (about 2 s) before a pool forks."""


def detect_languages(texts: Sequence[str], parallel: bool = True) -> list[str]:
    """'en', 'fr' or 'other' for each text, in order.

    `parallel=False` in forked worker processes: lingua's thread pool does not survive a fork.
    """
    heads = [t[:READ] for t in texts]
    lengths = np.fromiter((len(t) for t in heads), dtype=np.int64, count=len(heads))
    codes = np.full(len(heads), "other", dtype=object)
    for low_accuracy, chosen in ((False, lengths < SHORT), (True, lengths >= SHORT)):
        positions = np.flatnonzero(chosen)
        if positions.size:
            detector = _detector(low_accuracy)
            batch = [heads[i] for i in positions]
            if parallel:
                found = detector.detect_languages_in_parallel_of(batch)
            else:
                found = [detector.detect_language_of(text) for text in batch]
            codes[positions] = [CODES.get(language, "other") for language in found]
    return codes.tolist()
