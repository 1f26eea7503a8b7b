"""Tone signals on a hand-built `texts` table: each kind fires and does not fire, point in time.

Defaults: recent window [D - 60, D), baseline the 180 days before it, 3 texts on a side,
a fall of 0.3, negative at tone <= -0.05, churn intent over 90 days, NPS promoter_min 7.
D = 2025-06-01: recent [2025-04-02, 2025-06-01), baseline [2024-10-04, 2025-04-02).
"""

from __future__ import annotations

import datetime as dt

import ibis
import pyarrow as pa
from pytest import approx
from signals_helpers import accounts, fired, load, run

from vigie.signals import tone
from vigie.signals.risk import risk_types
from vigie.tone.store import TEXTS_SCHEMA, TEXTS_TABLE

D, T = dt.date, dt.datetime
AT = D(2025, 6, 1)
LONG = (
    "Honestly we are very disappointed with the last release, the exports keep failing "
    "and nobody answers our emails."
)


def text_row(
    tid: str,
    account: str,
    when: dt.datetime,
    tone_value: float | None,
    contact: str | None = None,
    source: str = "interaction",
    direction: str = "inbound",
    excerpt: str | None = "fine",
    intents: tuple[str, ...] = (),
    phrases: tuple[str, ...] = (),
) -> dict:
    return {
        "text_id": f"{source}:{tid}",
        "account_id": account,
        "source": source,
        "source_id": tid,
        "contact_id": contact,
        "direction": direction,
        "written_at": when,
        "language": "en" if tone_value is not None else "other",
        "tone": tone_value,
        "scorer": "default",
        "intents": list(intents),
        "intent_phrases": list(phrases),
        "excerpt": excerpt,
    }


def put_texts(ws, rows: list[dict]) -> None:
    arrow = pa.Table.from_pylist(rows, schema=TEXTS_SCHEMA.to_pyarrow())
    if TEXTS_TABLE in ws.con.list_tables():
        ws.con.insert(TEXTS_TABLE, ibis.memtable(arrow))
    else:
        ws.con.create_table(TEXTS_TABLE, arrow)


def series(account: str, tones: list[float], first: dt.datetime, step: int = 20) -> list[dict]:
    return [
        text_row(f"{account}-{first:%m%d}-{i}", account, first + dt.timedelta(days=step * i), t)
        for i, t in enumerate(tones)
    ]


def book(ws) -> None:
    accounts(
        ws, ["FALL", "STEADY", "FEW", "KEY", "INTENT", "NOTEXT", "HIDDEN", "HAPPY", "DETRACTOR"]
    )
    load(
        ws,
        "contacts",
        [
            {
                "contact_id": "k1",
                "account_id": "KEY",
                "name": "Ann",
                "is_champion": True,
                "started_at": D(2023, 1, 1),
            },
            {
                "contact_id": "k3",
                "account_id": "KEY",
                "name": "Cy",
                "is_decision_maker": True,
                "started_at": AT,
            },  # known only from D on
            {"contact_id": "k4", "account_id": "KEY", "name": "Di", "started_at": D(2023, 1, 1)},
        ],
    )
    load(
        ws,
        "surveys",
        [
            {
                "response_id": f"n-{a}",
                "account_id": a,
                "kind": "nps",
                "score": s,
                "answered_at": T(2025, 3, 1, 10),
            }
            for a, s in (("HIDDEN", 9.0), ("HAPPY", 9.0), ("DETRACTOR", 3.0))
        ],
    )
    rows = (
        series("FALL", [0.6, 0.6, 0.6], T(2024, 12, 1, 9))
        + series("FALL", [0.2, 0.3, 0.1], T(2025, 4, 10, 9))
        + series("STEADY", [0.5, 0.5, 0.5], T(2024, 12, 1, 9))
        + series("STEADY", [0.4, 0.4, 0.4], T(2025, 4, 10, 9))
        + series("FEW", [0.8, 0.8], T(2024, 12, 1, 9))
        + series("FEW", [0.2, 0.2, 0.2], T(2025, 4, 10, 9))
        + series("HIDDEN", [-0.4, -0.4, -0.1], T(2025, 4, 10, 9))
        + series("HAPPY", [0.5, 0.5, 0.5], T(2025, 4, 10, 9))
        + series("DETRACTOR", [-0.4, -0.4, -0.4], T(2025, 4, 10, 9))
        + [
            text_row("k1-a", "KEY", T(2025, 5, 10, 9), -0.6, "k1", excerpt=LONG),
            text_row("k3-a", "KEY", T(2025, 5, 15, 9), -0.9, "k3"),
            text_row("k4-a", "KEY", T(2025, 5, 16, 9), -0.8, "k4"),
            text_row("k1-o", "KEY", T(2025, 5, 17, 9), -0.9, "k1", direction="outbound"),
            text_row("k1-b", "KEY", T(2025, 5, 20, 9), 0.7, "k1"),
            text_row(
                "i1",
                "INTENT",
                T(2025, 5, 1, 9),
                -0.3,
                source="ticket",
                excerpt="We may switch to a competitor next quarter.",
                intents=("competitor",),
                phrases=("switch to a competitor",),
            ),
            text_row(
                "i2",
                "INTENT",
                T(2025, 6, 1, 0),
                -0.5,
                source="survey",
                excerpt="We will cancel.",
                intents=("cancel",),
                phrases=("cancel",),
            ),
            text_row(
                "n1",
                "NOTEXT",
                T(2025, 5, 2, 9),
                None,
                source="sentiment",
                direction="internal",
                excerpt=None,
                intents=("budget",),
                phrases=("budget cut",),
            ),
        ]
    )
    put_texts(ws, rows)


def evidence(out, kind: str, account: str) -> str:
    rows = out[(out["kind"] == kind) & (out["account_id"] == account)]
    assert len(rows) == 1, rows
    return rows.iloc[0]["evidence"]


def test_tone_falling_against_own_baseline(ws) -> None:
    book(ws)
    out = run(ws, tone.signals, [AT])
    # STEADY fell 0.1 only; FEW has 2 baseline texts; HIDDEN/HAPPY/DETRACTOR have no baseline.
    assert fired(out, "tone_falling") == {("FALL", AT)}
    row = out[out["kind"] == "tone_falling"].iloc[0]
    assert (row["severity"], row["value"], row["baseline"]) == ("medium", approx(0.2), 0.6)
    assert evidence(out, "tone_falling", "FALL") == (
        "tone fell from 0.6 (3 texts before) to 0.2 (3 texts in the last 60 days); "
        'lowest: interaction on 2025-05-20 (tone 0.1): "fine"'
    )


def test_negative_tone_from_a_key_contact(ws) -> None:
    book(ws)
    out = run(ws, tone.signals, [AT, D(2025, 8, 1)])
    # k3 is not known at D; k4 holds no key role; k1-o was written TO Ann (outbound);
    # by 2025-08-01 Ann's text is 83 days old.
    assert fired(out, "negative_tone_key_contact") == {("KEY", AT)}
    said = evidence(out, "negative_tone_key_contact", "KEY")
    assert said == (
        'champion Ann wrote on 2025-05-10 (tone -0.6): "Honestly we are very disappointed with '
        'the last release, the exports keep faili…"'
    )
    assert len(said.split('"')[1]) == 80


def test_churn_intent_quotes_the_phrase_and_the_text(ws) -> None:
    book(ws)
    out = run(ws, tone.signals, [AT, D(2025, 8, 15)])
    # On D the survey of 2025-06-01 is not known yet; by 08-15 the ticket of 05-01 is too old.
    assert fired(out, "churn_intent") == {
        ("INTENT", AT),
        ("INTENT", D(2025, 8, 15)),
        ("NOTEXT", AT),
    }
    at_d = out[(out["kind"] == "churn_intent") & (out["as_of"] == AT)]
    by_account = dict(zip(at_d["account_id"], at_d["evidence"], strict=True))
    assert by_account == {
        "INTENT": 'ticket on 2025-05-01 matched "switch to a competitor" (competitor): '
        '"We may switch to a competitor next quarter."',
        "NOTEXT": 'sentiment on 2025-05-02 matched "budget cut" (budget): text not kept',
    }
    later = out[(out["kind"] == "churn_intent") & (out["as_of"] == D(2025, 8, 15))]
    assert later.iloc[0]["evidence"] == (
        'survey on 2025-06-01 matched "cancel" (cancel): "We will cancel."'
    )


def test_hidden_dissatisfaction_from_text(ws) -> None:
    book(ws)
    out = run(ws, tone.signals, [AT])
    # HAPPY's texts are positive; DETRACTOR's NPS answer is 3; FEW has no NPS answer.
    assert fired(out, "hidden_dissatisfaction_text") == {("HIDDEN", AT)}
    assert evidence(out, "hidden_dissatisfaction_text", "HIDDEN") == (
        "latest NPS answer 9 on 2025-03-01 while the 3 texts of the last 60 days average tone "
        '-0.3; lowest: interaction on 2025-04-30 (tone -0.4): "fine"'
    )


def test_texts_on_or_after_d_change_nothing(ws) -> None:
    book(ws)
    before = run(ws, tone.signals, [AT])
    later = [
        text_row(
            f"late-{a}-{d}",
            a,
            T(2025, 6, d, 0),
            -0.9,
            "k1" if a == "KEY" else None,
            excerpt="awful",
            intents=("cancel",),
            phrases=("cancel",),
        )
        for a in ("FALL", "STEADY", "KEY", "HAPPY", "HIDDEN")
        for d in (1, 9)
    ]
    put_texts(ws, later)
    after = run(ws, tone.signals, [AT])
    assert after.equals(before)


def test_tone_kinds_vote_for_risk_types(ws) -> None:
    book(ws)
    out = run(ws, tone.signals, [AT])
    risk = risk_types(ws, out, [AT])
    assert dict(zip(risk["account_id"], risk["risk_type"], strict=True)) == {
        "FALL": "satisfaction",
        "KEY": "relationship",
        "INTENT": "commercial",
        "NOTEXT": "commercial",
        "HIDDEN": "satisfaction",
    }
