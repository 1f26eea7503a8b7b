"""Churn-intent phrases: configurable lists per kind, matched as evidence.

The bundled defaults (intents.yaml next to this module) cover English and
French; a workspace's own `intents.yaml` adds to them or replaces them. Texts
and phrases are both lower-cased with accents removed, so "Résilier",
"resilier" and "RÉSILIER" all match "résilier"; phrases match whole words
only. Each kind is one regular expression, run over the whole batch by
Arrow's RE2 engine; only the few texts that match are searched again in
Python to name the phrase that matched, which is kept as evidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from vigie.errors import ToneError
from vigie.textfile import read_text_file

INTENTS_FILE = "intents.yaml"

Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
KindName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class IntentConfig(BaseModel):
    """An intents YAML: phrase lists per kind and language."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    extend_defaults: bool = True
    """False: the bundled kinds are dropped and only this file's are used."""
    kinds: dict[KindName, dict[Literal["en", "fr"], list[Phrase]]] = Field(default_factory=dict)


def normalize(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe: the form texts and phrases are compared in."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _normalize_array(texts: pa.Array) -> pa.Array:
    """`normalize` over a whole Arrow array, in Arrow's kernels."""
    lowered = pc.utf8_lower(pc.replace_substring(texts, "\u2019", "'"))
    decomposed = pc.utf8_normalize(lowered, form="NFKD")
    return pc.replace_substring_regex(decomposed, r"\p{Mn}", "")


def _pattern(phrases: list[str]) -> str:
    """Whole-word alternation, longest first so the fullest phrase is the evidence."""
    escaped = [r"\s+".join(re.escape(w) for w in p.split()) for p in phrases]
    return r"(?:^|\W)(" + "|".join(sorted(escaped, key=len, reverse=True)) + r")(?:\W|$)"


@dataclass(frozen=True)
class IntentMatcher:
    """Compiled phrase lists: kind -> (RE2 pattern, Python regex, normalised -> configured phrase)."""

    kinds: dict[str, tuple[str, re.Pattern[str], dict[str, str]]]

    @classmethod
    def from_config(cls, config: IntentConfig) -> IntentMatcher:
        kinds = {}
        for kind, languages in config.kinds.items():
            phrases = {normalize(p): p for ps in languages.values() for p in ps}
            pattern = _pattern(list(phrases))
            kinds[kind] = (pattern, re.compile(pattern), phrases)
        return cls(kinds)

    def match(self, texts: list[str]) -> tuple[list[list[str]], list[list[str]]]:
        """Per text, the kinds matched and the configured phrases that matched them."""
        kinds: list[list[str]] = [[] for _ in texts]
        phrases: list[list[str]] = [[] for _ in texts]
        if not texts:
            return kinds, phrases
        normalized = _normalize_array(pa.array(texts, pa.string()))
        for kind, (pattern, regex, configured) in self.kinds.items():
            hits = pc.match_substring_regex(normalized, pattern).fill_null(False)
            for i in np.flatnonzero(hits.to_numpy(zero_copy_only=False)):
                found = {configured[m] for m in _findall(regex, normalized[i].as_py())}
                kinds[i].append(kind)
                phrases[i].extend(sorted(found))
        return kinds, phrases


def _findall(regex: re.Pattern[str], text: str) -> list[str]:
    """Every phrase matched, overlapping boundaries included ("cancel, cancel" finds both)."""
    found, start = [], 0
    while (m := regex.search(text, start)) is not None:
        found.append(re.sub(r"\s+", " ", m.group(1)))
        start = m.end(1)
    return found


def _load(text: str, source: str) -> IntentConfig:
    try:
        data = YAML(typ="safe").load(text) or {}
        return IntentConfig.model_validate(data)
    except YAMLError as exc:
        raise ToneError(f"{source}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        problems = "\n".join(
            f"  {source}: {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in exc.errors()
        )
        raise ToneError(
            f"Intent phrases {source} refused ({exc.error_count()} problem(s)); "
            f"fix the file or remove it to use the defaults:\n{problems}"
        ) from None


def load_intents(workspace_root: Path | None) -> IntentMatcher:
    """The bundled phrases, extended or replaced by `<workspace>/intents.yaml` if present."""
    bundled = resources.files("vigie.tone") / INTENTS_FILE
    config = _load(bundled.read_text(encoding="utf-8"), "bundled intents.yaml")
    own = workspace_root / INTENTS_FILE if workspace_root is not None else None
    if own is not None and own.exists():
        extra = _load(read_text_file(own), str(own))
        kinds = dict(config.kinds) if extra.extend_defaults else {}
        for kind, languages in extra.kinds.items():
            merged = {lang: list(ps) for lang, ps in kinds.get(kind, {}).items()}
            for lang, ps in languages.items():
                merged[lang] = merged.get(lang, []) + ps
            kinds[kind] = merged
        config = IntentConfig(kinds=kinds)
    return IntentMatcher.from_config(config)
