"""Assemble texts from phrase pools, vectorised: one random phrase per row, then joined.

A text is built from parts (lead, clause, "but" clause, intent, next step...)
each drawn from a pool in the row's language and, for tone-bearing parts,
at the row's tone level. Drawing parts independently and combining areas
with predicates makes verbatim repeats rare. Strings are numpy StringDType
arrays and every operation is a numpy string ufunc: no Python loop over rows.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigie.simulate import phrases_en, phrases_fr

LANGUAGES = ("en", "fr")
EN, FR = 0, 1
LEVELS = (-2, -1, 0, 1, 2)
"""Tone levels: very negative, negative, neutral, positive, very positive."""
BOOK = {"en": phrases_en.PHRASES, "fr": phrases_fr.PHRASES}
VARIANTS = max(len(BOOK[lang]["very"]) for lang in LANGUAGES)
"""Versions of each phrase, one per intensifier filling "{very}" (cycled if fewer)."""
Mask = np.ndarray | bool


@cache
def _table(
    pools: tuple[str, ...], capital: bool
) -> tuple[pa.Array, pa.Array, np.ndarray, np.ndarray]:
    """The phrases of `pools` in both languages, "{very}" expanded, split at "{who}".

    Returns the text before and after "{who}" of phrase i, version v at
    i * VARIANTS + v, and per (language, pool) group its first phrase and size.
    Pools are small: expanding them once is far cheaper than replacing
    substrings in every generated text.
    """
    heads, tails, sizes = [], [], []
    for lang in LANGUAGES:
        very = BOOK[lang]["very"]
        for pool in pools:
            sizes.append(len(BOOK[lang][pool]))
            for phrase in BOOK[lang][pool]:
                for v in range(VARIANTS):
                    text = phrase.replace("{very}", very[v % len(very)])
                    text = text[:1].upper() + text[1:] if capital else text
                    head, _, tail = text.partition("{who}")
                    heads.append(head)
                    tails.append(tail)
    size = np.array(sizes)
    return pa.array(heads), pa.array(tails), np.cumsum(size) - size, size


def pick(
    rng: np.random.Generator,
    pools: tuple[str, ...] | str,
    lang: np.ndarray,
    variant: np.ndarray | None = None,
    capital: bool = False,
    who: pa.Array | None = None,
    draw: np.ndarray | None = None,
) -> pa.Array:
    """One phrase per row from pool `pools[variant]` in the row's language.

    `capital` upper-cases the first letter (str.capitalize would lower "QBR");
    `who` fills the "{who}" slot; `draw` (uniform in [0, 1)) picks the phrase, so
    passing the same draw to parallel pools picks matching phrases.
    """
    pools = (pools,) if isinstance(pools, str) else pools
    heads, tails, offsets, sizes = _table(pools, capital)
    group = lang * len(pools) + (0 if variant is None else variant)
    draw = rng.random(lang.size) if draw is None else draw
    phrase = offsets[group] + (draw * sizes[group]).astype(np.int64)
    at = phrase * VARIANTS + rng.integers(0, VARIANTS, lang.size)
    return heads.take(at) if who is None else join(heads.take(at), who, tails.take(at))


def leveled(pool: str) -> tuple[str, ...]:
    """The pool names of one part at each tone level (index with level + 2)."""
    return tuple(f"{pool}.{level}" for level in LEVELS)


def join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def choose(mask: Mask, text: pa.Array | str, other: pa.Array | str = "") -> pa.Array:
    """`text` where mask holds, `other` elsewhere."""
    return pc.if_else(mask, text, other)


def when(mask: Mask, text: pa.Array, sep: str = " ") -> pa.Array:
    """`sep + text` where mask holds, "" elsewhere: an optional part of a longer text."""
    return choose(mask, join(sep, text))


def clause(
    rng: np.random.Generator, lang: np.ndarray, level: np.ndarray, voice: str, capital: bool
) -> pa.Array:
    """A tone-bearing clause: "<area> <predicate>" or a whole clause in `voice` (we/they).

    Neutral area clauses ("the API was configured together") read as CSM notes,
    so customers' neutral clauses are whole ones.
    """
    predicate = pick(rng, leveled("pred"), lang, level + 2)
    area = join(pick(rng, "area", lang, capital=capital), " ", predicate)
    whole = pick(rng, leveled(voice), lang, level + 2, capital=capital)
    about_area = (rng.random(lang.size) < 0.5) & ((level != 0) | (voice == "they"))
    return choose(about_area, area, whole)


def sentence(rng: np.random.Generator, lang: np.ndarray, level: np.ndarray, voice: str) -> pa.Array:
    return join(clause(rng, lang, level, voice, capital=True), ".")


def mixed(rng: np.random.Generator, lang: np.ndarray, level: np.ndarray, voice: str) -> pa.Array:
    """'<good>, but <bad>.' for negative rows, '<bad>, but <good>.' for positive ones.

    The clause after "but" carries the row's tone, as readers (and VADER) weigh it more.
    """
    opposite = -np.sign(level) * np.where(rng.random(lang.size) < 0.7, 1, 2)
    first = clause(rng, lang, opposite, voice, capital=True)
    return join(first, pick(rng, "but", lang), clause(rng, lang, level, voice, False), ".")


def tone_levels(rng: np.random.Generator, z: np.ndarray, noise: np.ndarray | float) -> np.ndarray:
    """Tone level of each text from a latent score z (0 = neutral, +-1 per level) plus noise."""
    noisy = z + rng.normal(0.0, 1.0, z.size) * noise
    return np.digitize(noisy, [-1.5, -0.5, 0.5, 1.5]) - 2


def languages(rng: np.random.Generator, account_lang: np.ndarray, switch: float) -> np.ndarray:
    """Each text in its account's language, a share `switch` in the other (international teams)."""
    return np.where(rng.random(account_lang.size) < switch, 1 - account_lang, account_lang)
