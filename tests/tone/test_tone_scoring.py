"""The default scorer on hand-written sentences, language detection and churn-intent phrases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vigie.errors import ToneError
from vigie.tone import lexicon
from vigie.tone.intents import load_intents
from vigie.tone.labels import labels_from_csv
from vigie.tone.language import detect_languages
from vigie.tone.scoring import ToneScorer
from vigie.tone.train import tone_labels

SCORER = ToneScorer.for_workspace(None)


def tone(text: str) -> float:
    return SCORER.score([text]).column("tone")[0].as_py()


@pytest.mark.parametrize(
    ("positive", "negated"),
    [
        ("We are happy with the product.", "We are not happy with the product."),
        ("Nous sommes satisfaits du produit.", "Nous ne sommes pas du tout satisfaits du produit."),
    ],
)
def test_negation_turns_tone_negative(positive: str, negated: str) -> None:
    assert tone(positive) >= 0.05
    assert tone(negated) <= -0.05


@pytest.mark.parametrize(
    ("plain", "intense"),
    [
        ("We are happy with the support.", "We are very happy with the support."),
        ("Nous sommes contents du support.", "Nous sommes très contents du support."),
    ],
)
def test_intensifiers_raise_positive_tone(plain: str, intense: str) -> None:
    assert tone(intense) > tone(plain) >= 0.05


@pytest.mark.parametrize(
    ("plain", "intense"),
    [("I am disappointed.", "I am very disappointed."), ("Je suis déçu.", "Je suis très déçu.")],
)
def test_intensifiers_deepen_negative_tone(plain: str, intense: str) -> None:
    assert tone(intense) < tone(plain) <= -0.05


@pytest.mark.parametrize(
    "text",
    [
        "The meeting is on Tuesday at 10.",
        "La réunion est prévue mardi à 10 heures.",
        "The invoice for March is attached.",
    ],
)
def test_plain_facts_are_neutral(text: str) -> None:
    assert -0.05 < tone(text) < 0.05


def test_mixed_sentences_land_between_their_parts() -> None:
    good, bad = "The new dashboard is great.", "Support is slow and frustrating."
    mixed = tone(f"{good} But {bad[0].lower()}{bad[1:]}")
    assert tone(bad) < mixed < tone(good)


def test_texts_in_another_language_get_no_tone() -> None:
    scored = SCORER.score(["Wir sind sehr unzufrieden mit dem Support."]).to_pylist()[0]
    assert (scored["language"], scored["tone"]) == ("other", None)


def test_identical_texts_get_identical_rows_in_order() -> None:
    rows = SCORER.score(["Great!", "Nul.", "Great!"]).to_pylist()
    assert rows[0] == rows[2] and rows[0] != rows[1]


SHORT_EN = [
    "Login fails",
    "Price too high",
    "Thanks for the call",
    "We are evaluating other tools",
    "Need help with SSO",
    "Not happy with support",
    "Champion left the company",
    "The API returns 500 errors",
    "Please call me back",
    "Too expensive for us",
]
SHORT_FR = [
    "Connexion impossible",
    "Prix trop élevé",
    "Merci pour l'appel",
    "Nous évaluons d'autres outils",
    "Besoin d'aide avec le SSO",
    "Pas satisfait du support",
    "Notre sponsor a quitté l'entreprise",
    "L'API renvoie des erreurs 500",
    "Merci de me rappeler",
    "Trop cher pour nous",
]


def test_language_of_short_cs_texts() -> None:
    found = detect_languages(SHORT_EN + SHORT_FR + ["Das Dashboard ist seit Montag sehr langsam."])
    assert found == ["en"] * 10 + ["fr"] * 10 + ["other"]


def test_language_of_long_texts_uses_the_fast_detector_correctly() -> None:
    en = "Hi team, following up on our call: the reporting export keeps failing for our users."
    fr = "Bonjour, suite à notre appel : l'export des rapports plante encore pour nos équipes."
    assert detect_languages([en * 2, fr * 2]) == ["en", "fr"]


def test_intent_phrases_ignore_case_and_accents_and_keep_the_phrase() -> None:
    matcher = load_intents(None)
    kinds, phrases = matcher.match(
        [
            "We will CANCEL at renewal.",
            "Nous allons RESILIER le contrat, le prix trop eleve.",
            "Nous évaluons d’autres outils.",
            "The order was cancelled yesterday.",  # whole words only
            "Budget cut announced; we are evaluating a competitor.",
        ]
    )
    assert kinds == [
        ["cancel"],
        ["cancel", "price"],
        ["evaluating"],
        [],
        ["competitor", "budget", "evaluating"],
    ]
    assert phrases[1] == ["résilier", "prix trop élevé"]
    assert phrases[2] == ["nous évaluons"]
    assert phrases[4] == ["competitor", "budget cut", "we are evaluating"]


def test_workspace_intents_extend_or_replace_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "intents.yaml").write_text(
        "kinds:\n  cancel:\n    fr: [on arrête tout]\n  security:\n    en: [data breach]\n"
    )
    kinds, phrases = load_intents(tmp_path).match(["On arrête tout après ce data breach. Cancel."])
    assert kinds == [["cancel", "security"]]
    assert phrases == [["cancel", "on arrête tout", "data breach"]]
    (tmp_path / "intents.yaml").write_text(
        "extend_defaults: false\nkinds:\n  security:\n    en: [data breach]\n"
    )
    assert load_intents(tmp_path).match(["Cancel after the data breach."])[0] == [["security"]]


def test_bad_intents_file_names_the_file_and_the_path(tmp_path: Path) -> None:
    (tmp_path / "intents.yaml").write_text("kinds:\n  cancel:\n    de: [kündigen]\n    en: ['']\n")
    with pytest.raises(ToneError) as caught:
        load_intents(tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "intents.yaml") in message
    assert "kinds.cancel.de" in message and "kinds.cancel.en.0" in message


def test_process_pool_gives_the_same_scores_as_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = SHORT_EN + SHORT_FR + ["Wir sind sehr unzufrieden.", "Very happy!"] * 3
    alone = lexicon.default_scores(texts)
    monkeypatch.setattr(lexicon, "POOL_MIN_TEXTS", 0)
    monkeypatch.setattr(lexicon, "CHUNK", 7)
    pooled = lexicon.default_scores(texts)
    assert pooled[0] == alone[0]
    np.testing.assert_array_equal(pooled[1], alone[1])


def test_default_scorer_accuracy_on_the_hand_labelled_sentences() -> None:
    """60 CS sentences, 10 per label and language (files/labelled_sentences.csv; docs/tone.md)."""
    labelled = labels_from_csv(Path(__file__).parent / "files" / "labelled_sentences.csv")
    languages, tones = lexicon.default_scores(labelled["text"].tolist())
    right = tone_labels(tones) == labelled["label"].to_numpy()
    assert languages == ["en"] * 10 + ["fr"] * 10 + (["en"] * 10 + ["fr"] * 10) * 2
    assert right.mean() >= 0.8
    assert right[np.asarray(languages) == "fr"].mean() >= 0.75


def test_intent_phrases_reported_by_the_csm_in_the_third_person() -> None:
    kinds, phrases = load_intents(None).match(
        [
            "Call with Dana: they are evaluating other options for next year.",
            "Réunion avec Ugo : ils évaluent d'autres solutions.",
        ]
    )
    assert kinds == [["evaluating"], ["evaluating"]]
    assert phrases[0] == ["they are evaluating"]
    assert phrases[1] == ["ils évaluent"]


def test_champion_is_a_role_not_a_feeling() -> None:
    """VADER reads "champion" as praise; in a CSM's note it names the key contact."""
    scored = ToneScorer(load_intents(None)).score(
        ["Our champion is leaving next month", "Notre champion quitte la société"]
    )
    assert scored.column("tone").to_pylist() == [0.0, 0.0]


def test_notes_saying_the_account_may_leave_are_flagged() -> None:
    scored = ToneScorer(load_intents(None)).score(
        [
            "Le client se plaint du prix, risque de churn",
            "They are considering leaving after the renewal",
            "Great churn reduction features",  # the word alone is not an intent
        ]
    )
    assert scored.column("intents").to_pylist() == [["price", "leaving"], ["leaving"], []]
