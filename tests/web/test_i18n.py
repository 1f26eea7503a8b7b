"""English and French: complete catalogues, browser default, per-user choice, locale formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pandas as pd
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from vigie.web.i18n import Formatter, negotiate
from vigie.web.users import UserStore

WEB = Path(__file__).parents[2] / "src" / "vigie" / "web"
FR = WEB / "locale" / "fr" / "LC_MESSAGES"


def test_every_message_has_a_french_translation() -> None:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    used = {msg for _, _, msg, _, _ in extract_from_dir(str(WEB), method_map) if msg}
    with (FR / "messages.po").open("rb") as f:
        catalogue = {m.id: m.string for m in read_po(f) if m.id}
    assert sorted(used - set(catalogue)) == []
    assert [m for m in used if not catalogue[m]] == []


def _entries(catalogue) -> dict:
    """id -> translation, a plural's forms as tuples (the .po and .mo readers differ)."""

    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in catalogue if m.id}


def test_compiled_catalogue_matches_the_po_file() -> None:
    with (FR / "messages.po").open("rb") as f:
        po = _entries(read_po(f))
    with (FR / "messages.mo").open("rb") as f:
        mo = _entries(read_mo(f))
    assert mo == po


def test_browser_language_is_the_default_before_login() -> None:
    assert negotiate("fr-FR,fr;q=0.9,en;q=0.8") == "fr"
    assert negotiate("de-DE,en;q=0.5") == "en"
    assert negotiate(None) == "en"


def test_login_page_follows_accept_language(client_for) -> None:
    client = client_for()
    assert "Se connecter" in client.get("/login", headers={"Accept-Language": "fr"}).text
    assert "Log in" in client.get("/login", headers={"Accept-Language": "en-GB"}).text


def test_dates_and_numbers_follow_the_locale() -> None:
    day = dt.date(2026, 5, 3)
    assert Formatter("en").date(day) == "May 3, 2026"
    assert Formatter("fr").date(day) == "3 mai 2026"
    # a missing date renders empty, whatever shape it arrives in (an account with no renewal)
    missing = [None, pd.NaT, jinja2.Undefined(name="renewal_date")]
    assert [Formatter("en").date(value) for value in missing] == ["", "", ""]
    assert Formatter("en").number(1234567.5, 1) == "1,234,567.5"
    assert Formatter("fr").number(1234567.5, 1) == "1\u202f234\u202f567,5"
    assert [Formatter("fr").days(n) for n in (0, 1, 3)] == ["0 jour", "1 jour", "3 jours"]
    assert [Formatter("en").days(n) for n in (1, 3)] == ["1 day", "3 days"]


def test_a_french_user_reads_the_portfolio_in_french(client_for, workspace_dir) -> None:
    UserStore(workspace_dir).set_language("victor", "fr")
    client = client_for("victor", workspace_dir)
    page = client.get("/portfolio").text
    assert "Portefeuille" in page and "ARR à risque" in page
    arr = client.get("/api/portfolio").json()["totals"][0]["arr"]
    assert Formatter("fr").number(arr) in page


def test_band_names_are_translated_on_the_pages(client_for, workspace_dir) -> None:
    UserStore(workspace_dir).set_language("victor", "fr")
    client = client_for("victor", workspace_dir)
    board = client.get("/board").text
    assert "<h2>vert " in board and "<h2>rouge " in board and "<h2>green " not in board
    columns = client.get("/api/board").json()["columns"]
    if any(c["total"] > len(c["cards"]) for c in columns):
        assert "affinez les filtres" in board
