"""Simulated free texts: languages, tone that follows the hidden story, churn intents, determinism.

Tone is checked twice: through the hidden template labels (`text_truth`) and
through what a reader sees, the project's default scorer (VADER EN/FR).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vigie.simulate import Portfolio, simulate
from vigie.simulate.intents import INTENT_KINDS
from vigie.simulate.wording import BOOK
from vigie.tone.scoring import ToneScorer

from .conftest import END, truth

SOURCES = {  # table: (time column, text columns)
    "interactions": ("occurred_at", ("notes",)),
    "tickets": ("opened_at", ("subject", "description")),
    "surveys": ("answered_at", ("comment",)),
    "sentiments": ("rated_at", ("comment",)),
}


def texts(book: Portfolio) -> pd.DataFrame:
    """Every written text with its labels, its author contact and days left before churn."""
    frames = []
    for name, (time_column, columns) in SOURCES.items():
        table = book.tables[name].to_pandas()
        text = table[columns[0]].fillna("")
        for column in columns[1:]:  # a ticket reads "subject. description", as the importer joins
            more = table[column].fillna("")
            text = text + np.where((text != "") & (more != ""), ". ", "") + more
        frame = book.text_truth[name].to_pandas()
        frame["text"] = text
        frame["source"] = name
        frame["account_id"] = table["account_id"]
        frame["at"] = pd.to_datetime(table[time_column])
        frame["contact_id"] = table.get("contact_id")
        frame["direction"] = table.get("direction", "inbound")  # tickets: the customer writes
        frames.append(frame[frame["language"].notna()])
    result = pd.concat(frames, ignore_index=True)
    outcomes = book.tables["outcomes"].to_pandas()
    churn = outcomes[outcomes["kind"] == "churn"].set_index("account_id")["occurred_at"]
    result["churner"] = result["account_id"].isin(churn.index)
    result["days_left"] = (pd.to_datetime(result["account_id"].map(churn)) - result["at"]).dt.days
    result["archetype"] = result["account_id"].map(
        {a: v["archetype"] for a, v in truth(book).items()}
    )
    return result


def score(rows: pd.DataFrame) -> pd.DataFrame:
    """The project's default scorer on these texts: language, tone, intents."""
    return ToneScorer.for_workspace(None).score(rows["text"].tolist()).to_pandas()


@pytest.fixture(scope="module")
def written(portfolio: Portfolio) -> pd.DataFrame:
    return texts(portfolio)


@pytest.fixture(scope="module")
def written_big(big_book: Portfolio) -> pd.DataFrame:
    return texts(big_book)


def test_every_free_text_column_is_written_and_sometimes_empty(portfolio: Portfolio) -> None:
    for name, (_, columns) in SOURCES.items():
        table = portfolio.tables[name]
        for column in columns:
            empty = table[column].null_count / table.num_rows
            assert 0.01 <= empty <= 0.75, (name, column, empty)
    notes = portfolio.tables["interactions"].to_pandas()
    empty_by_kind = notes["notes"].isna().groupby(notes["kind"]).mean()
    assert empty_by_kind["event"] > 0.4 > 0.1 > empty_by_kind["qbr"]


def test_accounts_write_in_their_language_with_a_share_of_the_other(
    portfolio: Portfolio, written: pd.DataFrame
) -> None:
    language = {a: v["language"] for a, v in truth(portfolio).items()}
    french_accounts = np.mean([lang == "fr" for lang in language.values()])
    assert 0.2 <= french_accounts <= 0.42
    for source, rows in written.groupby("source"):
        assert set(rows["language"]) == {"en", "fr"}, source
        own = (rows["language"] == rows["account_id"].map(language)).mean()
        assert 0.85 <= own <= 0.98, (source, own)


def test_texts_are_really_in_their_labelled_language(written: pd.DataFrame) -> None:
    sample = written.sample(1500, random_state=1)
    detected = score(sample)["language"].to_numpy()
    assert (detected == sample["language"].to_numpy()).mean() >= 0.97


def test_churners_write_more_negatively_before_churn_than_renewers(written: pd.DataFrame) -> None:
    before = written[written["churner"] & written["days_left"].between(0, 120)]
    renewers = written[~written["churner"]]
    assert before["tone"].mean() < renewers["tone"].mean() - 0.4
    for source in SOURCES:  # every source carries the story, not just one
        mine, theirs = before[before["source"] == source], renewers[renewers["source"] == source]
        assert mine["tone"].mean() < theirs["tone"].mean(), source
    # What a reader sees too, with the project's default scorer. Silent churners keep a
    # friendly tone by design (only their intents give them away): declining ones are read.
    declining = written[
        (written["archetype"] == "declining_churner") & written["days_left"].between(0, 90)
    ]
    sample = renewers.sample(1000, random_state=2)
    assert score(declining)["tone"].mean() < score(sample)["tone"].mean() - 0.2


def test_default_scorer_reads_the_template_tone_in_both_languages(written: pd.DataFrame) -> None:
    sample = written.groupby(["language", "tone"]).sample(120, random_state=3, replace=True)
    sample["score"] = score(sample)["tone"].to_numpy()
    by_level = sample.groupby(["language", "tone"])["score"].mean().unstack("tone")
    for language, means in by_level.iterrows():
        assert means.is_monotonic_increasing, (language, means.round(2).to_dict())
        assert means[-2] < -0.15 and means[2] > 0.3, (language, means.round(2).to_dict())


def test_wording_varies_and_carries_negation_intensity_mixed_and_facts(
    written: pd.DataFrame,
) -> None:
    toned = written[written["tone"] != 0]
    assert toned["text"].nunique() / len(toned) > 0.6
    assert toned["text"].value_counts().iloc[0] / len(toned) < 0.01
    text = " ".join(written["text"])
    for needle in (
        "not happy", "does not work", "pas satisfaits", "ne fonctionne pas",  # negation
        "very", "extremely", "très", "vraiment",  # intensity
        ", but ", ", mais ",  # mixed
        "Sent the QBR deck.", "Envoyé le compte-rendu.",  # neutral facts
    ):  # fmt: skip
        assert needle in text, needle


def test_intent_phrases_come_before_churn_for_some_churners_and_rarely_otherwise(
    written_big: pd.DataFrame,
) -> None:
    intents = written_big[written_big["intent"].notna()]
    churners = written_big.loc[written_big["churner"], "account_id"].nunique()
    voiced = intents[intents["churner"] & intents["days_left"].between(0, 150)]
    assert 0.25 <= voiced["account_id"].nunique() / churners <= 0.7
    assert (intents.loc[intents["churner"], "days_left"] >= 0).all()
    steady = written_big[~written_big["churner"] & (written_big["archetype"] != "downsell")]
    per_text = steady["intent"].notna().mean()
    per_account = steady.groupby("account_id")["intent"].count().gt(0).mean()
    assert 0 < per_text < 0.005 and per_account < 0.12
    assert set(intents["intent"]) == set(INTENT_KINDS)


def test_intents_are_found_by_the_default_phrase_lists(written: pd.DataFrame) -> None:
    labelled = written[written["intent"].notna()]
    kinds = score(labelled)["intents"]
    found = [label in k for label, k in zip(labelled["intent"], kinds, strict=True)]
    assert len(labelled) > 20 and np.mean(found) >= 0.8
    others = written[written["intent"].isna()].sample(2000, random_state=4)
    assert score(others)["intents"].map(len).gt(0).mean() < 0.002


def test_happy_low_usage_accounts_praise_in_surveys_but_complain_in_their_own_texts(
    written: pd.DataFrame,
) -> None:
    own = written["source"].isin(["tickets", "interactions"]) & (written["direction"] == "inbound")
    tone = written.groupby([written["archetype"], own, written["source"] == "surveys"])["tone"]
    mean = tone.mean()
    assert mean[("happy_low_usage", False, True)] > 0.8  # survey comments
    assert mean[("happy_low_usage", True, False)] < min(0.0, mean[("steady", True, False)] - 0.5)


def test_champions_and_decision_makers_write_and_champions_sound_the_alarm(
    portfolio: Portfolio, written: pd.DataFrame
) -> None:
    contacts = portfolio.tables["contacts"].to_pandas().set_index("contact_id")
    for source in ("interactions", "surveys"):
        rows = written[written["source"] == source]
        author = rows["contact_id"].dropna()
        assert contacts.loc[author, "is_champion"].mean() > 0.2, source
        assert contacts.loc[author, "is_decision_maker"].mean() > 0.05, source
    notes = written[written["source"] == "interactions"].dropna(subset=["contact_id"])
    champion = notes[contacts.loc[notes["contact_id"], "is_champion"].to_numpy()]
    declining = champion[
        (champion["archetype"] == "declining_churner") & (champion["days_left"] < 90)
    ]
    assert declining["tone"].mean() < -0.3 < 0.3 < champion[~champion["churner"]]["tone"].mean()


def test_same_seed_same_texts_other_seed_other_texts() -> None:
    first, again = (simulate(accounts=30, months=6, seed=4, end=END) for _ in range(2))
    other = simulate(accounts=30, months=6, seed=5, end=END)
    for name in SOURCES:
        assert first.tables[name].equals(again.tables[name])
        assert first.text_truth[name].equals(again.text_truth[name])
    notes = first.tables["interactions"]["notes"]
    assert not notes.equals(other.tables["interactions"]["notes"])


def test_phrase_pools_match_across_languages() -> None:
    assert BOOK["en"].keys() == BOOK["fr"].keys()
    for key in BOOK["en"]:
        sizes = {language: len(BOOK[language][key]) for language in BOOK}
        assert min(sizes.values()) >= 3, (key, sizes)
        if key.startswith(("subject.", "problem.")):  # parallel pools: phrase i is one problem
            topic = key.split(".", 1)[1]
            assert sizes["en"] == sizes["fr"] == len(BOOK["en"][f"subject.{topic}"]), key
        text = " ".join(phrase for language in BOOK for phrase in BOOK[language][key])
        assert ("{who}" in text) == key.startswith(("lead.", "reply")), key
