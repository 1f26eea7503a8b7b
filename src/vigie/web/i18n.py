"""English and French: gettext catalogues (Babel) and locale-aware dates and numbers.

The language is the user's own choice once logged in, else the browser's
Accept-Language. Catalogues live in `web/locale/<lang>/LC_MESSAGES/messages.po`
and their compiled `.mo` twins are committed (tests check they are in sync).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol
from babel.support import NullTranslations, Translations

from vigie.web.users import LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"


@cache
def translations(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def negotiate(accept_language: str | None) -> str:
    """The best supported language for an Accept-Language header, English by default."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    preferred = []
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        preferred.append((weight, tag.strip().replace("-", "_")))
    tags = [tag for _, tag in sorted(preferred, key=lambda p: -p[0]) if tag]
    best = Locale.negotiate(tags, list(LANGUAGES), sep="_")
    return best.language if best is not None else DEFAULT_LANGUAGE


@cache
def _symbols(language: str) -> tuple[str, str]:
    return get_group_symbol(language), get_decimal_symbol(language)


@lru_cache(maxsize=4096)
def _medium_date(value: dt.date, language: str) -> str:
    """Babel's date formatting costs ~150 µs; a page shows the same few hundred dates."""
    return format_date(value, format="medium", locale=language)


@dataclass(frozen=True)
class Formatter:
    """Everything a template needs to speak one language."""

    language: str

    def gettext(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def days(self, count: int) -> str:
        """`1 day`, `3 days`; in French `1 jour`, `0 jour`, `3 jours` (the catalogue's plural)."""
        return translations(self.language).ngettext("%(num)d day", "%(num)d days", count) % {
            "num": count
        }

    def date(self, value: dt.date | None) -> str:
        """Empty for anything that is not a date (None, a missing field, NaT)."""
        if not isinstance(value, dt.date) or value != value:
            return ""
        return _medium_date(value, self.language)

    def number(self, value: float | None, digits: int = 0) -> str:
        """Grouped by thousands with the locale's symbols (both languages group by three).

        Python's own formatting with the symbols swapped in: Babel's pattern formatter
        costs ~70 µs a number, which a page of 50 accounts pays hundreds of times.
        """
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        group, decimal = _symbols(self.language)
        text = f"{value:,.{digits}f}"
        return text.replace(",", "\0").replace(".", decimal).replace("\0", group)

    def signed(self, value: float | None, digits: int = 1) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        text = self.number(abs(value), digits)
        return ("+" if value >= 0 else "−") + text

    def percent(self, value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        return format_percent(value, locale=self.language)
