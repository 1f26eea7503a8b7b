"""Free text of the simulated book, in English and French, driven by the hidden story.

Interaction notes, ticket subjects and descriptions, survey comments and CSM
sentiment comments. The tone of a text is the level its parts were drawn
from: customer-facing texts follow latent health (champions more closely),
survey comments the score, CSM comments the colour, each with noise. Churn
intents come from `intents.py`. Each text's language, tone level and intent
are kept as hidden labels (`Portfolio.text_truth`) so tests can check them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vigie.schema import SENTIMENT_REASONS, SEVERITIES
from vigie.simulate.intents import INTENT_KINDS, Intents, schedule_intents
from vigie.simulate.model import HAPPY_LOW, Population, stream
from vigie.simulate.support import TOPICS
from vigie.simulate.wording import (
    LANGUAGES,
    choose,
    join,
    languages,
    leveled,
    mixed,
    pick,
    sentence,
    tone_levels,
    when,
)

SWITCH_LANGUAGE = 0.08
"""Share of texts written in the other language than the account's."""
NOTE_MISSING = {"outbound email": 0.35, "inbound email": 0.05, "call": 0.2, "meeting": 0.15}
NOTE_MISSING |= {"qbr": 0.05, "event": 0.6}
"""Share of interactions without notes, by kind (and direction for emails)."""
SAY_INTENT = 0.45
"""Chance that a text written inside an account's intent window voices the intent."""
STRUGGLE = 2.5
"""Tone levels taken off the emails and tickets of struggling accounts."""
REASON_INTENT = {"competitor": "competitor", "budget": "budget", "strategic_shift": "migration"}


@dataclass(frozen=True)
class Written:
    """Text columns for one table, row-aligned, and their hidden labels."""

    columns: dict[str, pa.Array]
    truth: pa.Table
    """language ('en'/'fr'), tone (level -2..2) and intent (kind) of each row; null without text."""


@dataclass(frozen=True)
class Rows:
    """What every text writer needs about its rows: account, time, language, health."""

    account: np.ndarray
    time: np.ndarray
    lang: np.ndarray
    health: np.ndarray

    @classmethod
    def of(
        cls,
        rng: np.random.Generator,
        pop: Population,
        accounts: pd.Index,
        table: pa.Table,
        time_column: str,
        switch: float = SWITCH_LANGUAGE,
    ) -> Rows:
        account = accounts.get_indexer(_strings(table["account_id"]))
        time = table[time_column].to_numpy().astype("datetime64[s]")
        month = np.clip(pop.cal.month_of(time.astype("datetime64[D]")), 0, pop.months - 1)
        lang = languages(rng, pop.language[account], switch)
        return cls(account=account, time=time, lang=lang, health=pop.health[account, month])


def _strings(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return values.fill_null("").to_numpy(zero_copy_only=False)


def _written(
    rows: Rows,
    text: dict[str, pa.Array],
    present: np.ndarray,
    level: np.ndarray,
    intent: np.ndarray,
) -> Written:
    """Empty texts become nulls; labels are null where the row has no text."""
    absent = ~present
    truth = pa.table(
        {
            "language": pa.array(np.array(LANGUAGES)[rows.lang], mask=absent),
            "tone": pa.array(level.astype(np.int8), mask=absent),
            "intent": pa.array(np.array(INTENT_KINDS)[intent.clip(0)], mask=absent | (intent < 0)),
        }
    )
    null = pa.scalar(None, pa.string())
    columns = {name: choose(pc.equal(v, ""), null, v) for name, v in text.items()}
    return Written(columns=columns, truth=truth)


def intent_sentence(
    rng: np.random.Generator, lang: np.ndarray, intent: np.ndarray, voice: str
) -> pa.Array:
    pools = tuple(f"intent.{kind}.{voice}" for kind in INTENT_KINDS)
    return join(pick(rng, pools, lang, intent.clip(0), capital=True), ".")


def health_tone(health: np.ndarray) -> np.ndarray:
    """Latent tone score: 0 at health 0.55, one level per 0.15 of health."""
    return (health - 0.55) / 0.15


def struggling(pop: Population) -> np.ndarray:
    """Accounts that answer surveys warmly but complain in their own emails and tickets:
    the "happy but low usage" story, hidden dissatisfaction that only the texts show."""
    return pop.archetype == HAPPY_LOW


def _feedback(
    rng: np.random.Generator, lang: np.ndarray, level: np.ndarray, voice: str
) -> pa.Array:
    """One sentence at the row's tone level, a quarter of the toned ones mixed ("..., but ...")."""
    is_mixed = (level != 0) & (rng.random(lang.size) < 0.25)
    return choose(is_mixed, mixed(rng, lang, level, voice), sentence(rng, lang, level, voice))


@dataclass(frozen=True)
class Voices:
    """Per interaction, what its writer needs: language, tone level, intent, the contact's name."""

    lang: np.ndarray
    level: np.ndarray
    intent: np.ndarray
    who: pa.Array
    """The contact's first name, or "the team" when the interaction has no contact."""
    signature: np.ndarray
    """The contact's first name, or ""."""

    def take(self, at: np.ndarray) -> Voices:
        return Voices(
            self.lang[at], self.level[at], self.intent[at], self.who.take(at), self.signature[at]
        )


def interaction_notes(
    pop: Population, intents: Intents, accounts: pd.Index, contacts: pa.Table, table: pa.Table
) -> Written:
    """CSM notes of calls, meetings and QBRs; customer emails; short factual notes otherwise."""
    rng = stream(pop.seed, "notes")
    rows = Rows.of(rng, pop, accounts, table, "occurred_at")
    n = rows.account.size
    kind, direction = _strings(table["kind"]), _strings(table["direction"])
    responded = _strings(table["responded"].cast(pa.string())) == "true"
    champion, decision, first_name = _people(contacts, _strings(table["contact_id"]))
    email, event = kind == "email", kind == "event"
    inbound_email = email & (direction == "inbound")
    # Champions speak more candidly: their tone tracks health more closely.
    z = health_tone(rows.health) * np.where(champion, 1.25, 1.0)
    z -= STRUGGLE * (struggling(pop)[rows.account] & inbound_email)
    level = tone_levels(rng, z, np.where(champion, 0.6, 0.8))
    intent = intents.draw(rng, rows.account, rows.time, np.where(decision, 0.6, SAY_INTENT))
    who = choose(first_name != "", first_name, pick(rng, "who", rows.lang))
    voices = Voices(rows.lang, level, intent, who, first_name)
    reply = responded & (rng.random(n) < 0.3)
    note_kind = np.where(email, direction + " email", kind)
    missing = np.array(list(NOTE_MISSING.values()))[pd.Index(NOTE_MISSING).get_indexer(note_kind)]
    present = rng.random(n) >= missing

    # Each kind of note is written only for its own rows that have notes.
    shape = np.select([inbound_email, email, event], [1, 2, 3], 0)
    csm, inbound, outbound, events = (np.flatnonzero(present & (shape == s)) for s in range(4))
    meeting = np.select([kind == "call", kind == "meeting"], [0, 1], 2)
    notes = _scatter(
        n,
        (csm, _csm_note(rng, voices.take(csm), meeting[csm])),
        (inbound, _customer_email(rng, voices.take(inbound))),
        (outbound, _outbound_email(rng, voices.take(outbound), reply[outbound])),
        (events, pick(rng, "fact.event", rows.lang[events])),
    )
    factual = event | (email & ~inbound_email & ~reply)
    tone, intent = np.where(factual, 0, level), np.where(factual, -1, intent)
    return _written(rows, {"notes": notes}, present, tone, intent)


def _scatter(n: int, *parts: tuple[np.ndarray, pa.Array]) -> pa.Array:
    """`n` texts from (rows, texts written for them) parts; null for rows in no part."""
    at = np.concatenate([rows for rows, _ in parts])
    rest = np.setdiff1d(np.arange(n), at, assume_unique=True)
    texts = pa.concat_arrays([text for _, text in parts] + [pa.nulls(rest.size, pa.string())])
    return texts.take(np.argsort(np.concatenate([at, rest]), kind="stable"))


def _csm_note(rng: np.random.Generator, v: Voices, meeting: np.ndarray) -> pa.Array:
    """'Call with Alice. <what was done>. <how they feel>. <intent>. <next step>.'"""
    n, toned = v.lang.size, v.level != 0
    lead = pick(rng, ("lead.call", "lead.meeting", "lead.qbr"), v.lang, meeting, who=v.who)
    return join(
        lead,
        when((rng.random(n) < 0.6) | ~toned, pick(rng, "fact.csm", v.lang)),
        when(toned | (rng.random(n) < 0.3), _feedback(rng, v.lang, v.level, "they")),
        when(v.intent >= 0, intent_sentence(rng, v.lang, v.intent, "they")),
        when(rng.random(n) < 0.35, pick(rng, "next", v.lang)),
    )


def _customer_email(rng: np.random.Generator, v: Voices) -> pa.Array:
    """Greeting, how they feel (or a plain request), maybe an intent, sign-off with their name."""
    n, toned = v.lang.size, v.level != 0
    return join(
        pick(rng, "greet", v.lang),
        "\n",
        choose(toned, _feedback(rng, v.lang, v.level, "we"), pick(rng, "ask", v.lang)),
        when(toned & (rng.random(n) < 0.3), sentence(rng, v.lang, v.level, "we")),
        when(toned & (rng.random(n) < 0.2), pick(rng, "ask", v.lang)),
        when(v.intent >= 0, intent_sentence(rng, v.lang, v.intent, "we")),
        "\n",
        pick(rng, "sign", v.lang),
        when(v.signature != "", pa.array(v.signature, pa.string()), "\n"),
    )


def _outbound_email(rng: np.random.Generator, v: Voices, reply: np.ndarray) -> pa.Array:
    """What the CSM sent; for some answered ones, the customer's reply quoted."""
    replied = join(
        pick(rng, "reply", v.lang, who=v.who),
        sentence(rng, v.lang, v.level, "we"),
        when(v.intent >= 0, intent_sentence(rng, v.lang, v.intent, "we")),
    )
    return join(pick(rng, "fact.email", v.lang), when(reply, replied))


def _people(contacts: pa.Table, contact_id: np.ndarray) -> tuple[np.ndarray, ...]:
    """Is each row's contact the champion, the decision maker, and their first name ("" if none)."""
    index = pd.Index(_strings(contacts["contact_id"])).get_indexer(contact_id)
    known = index >= 0
    at = index.clip(0)
    champion = contacts["is_champion"].to_numpy()[at] & known
    decision = contacts["is_decision_maker"].to_numpy()[at] & known
    first = _strings(pc.list_element(pc.split_pattern(contacts["name"], " ", max_splits=1), 0))
    return champion, decision, np.where(known, first[at], "")


def ticket_texts(pop: Population, intents: Intents, accounts: pd.Index, table: pa.Table) -> Written:
    """Subject from the topic; description: the problem, how the customer feels, maybe an intent."""
    rng = stream(pop.seed, "ticket_texts")
    rows = Rows.of(rng, pop, accounts, table, "opened_at")
    lang, n = rows.lang, rows.account.size
    topic = pd.Index(TOPICS).get_indexer(_strings(table["topic"]))
    severity = pd.Index(SEVERITIES).get_indexer(_strings(table["severity"]))
    escalated = table["escalated"].to_numpy()
    # Tickets are complaints by nature: tone sits lower, and lower still when severe.
    z = health_tone(rows.health) - 0.8 - np.array([0.0, 0.0, 0.3, 0.6])[severity]
    z -= STRUGGLE * struggling(pop)[rows.account]
    level = tone_levels(rng, z, 0.8)
    intent = intents.draw(rng, rows.account, rows.time, 0.3)

    problem = rng.random(n)  # subject and description pools are parallel: same problem
    urgent = (severity == 3) | (escalated & (rng.random(n) < 0.5)) | (level == -2)
    subject = join(
        choose(urgent & (rng.random(n) < 0.6), pick(rng, "urgent", lang)),
        pick(rng, tuple(f"subject.{t}" for t in TOPICS), lang, topic, draw=problem),
    )
    felt = (level != 0) | (rng.random(n) < 0.5)
    description = join(
        choose(rng.random(n) < 0.4, join(pick(rng, "greet", lang), "\n")),
        pick(rng, tuple(f"problem.{t}" for t in TOPICS), lang, topic, draw=problem),
        when(felt, pick(rng, leveled("impact"), lang, level + 2)),
        when((level < 0) & (rng.random(n) < 0.3), pick(rng, "repeat", lang)),
        when(intent >= 0, intent_sentence(rng, lang, intent, "we")),
        when(rng.random(n) < 0.6, pick(rng, "close", lang)),
    )
    titled, described = rng.random(n) >= 0.03, rng.random(n) >= 0.12
    texts = {"subject": choose(titled, subject), "description": choose(described, description)}
    tone, intent = np.where(described & felt, level, 0), np.where(described, intent, -1)
    return _written(rows, texts, titled | described, tone, intent)


def survey_comments(
    pop: Population, intents: Intents, accounts: pd.Index, table: pa.Table
) -> Written:
    """A comment in tone with the score; detractors write more often."""
    rng = stream(pop.seed, "survey_comments")
    rows = Rows.of(rng, pop, accounts, table, "answered_at")
    lang, n = rows.lang, rows.account.size
    kind, score = _strings(table["kind"]), table["score"].to_numpy()
    fraction = np.select(
        [kind == "nps", kind == "csat"], [score / 10, (score - 1) / 4], (score - 1) / 6
    )
    level = tone_levels(rng, (fraction - 0.7) / 0.12, 0.6)
    intent = intents.draw(rng, rows.account, rows.time, SAY_INTENT)
    present = rng.random(n) < np.where(fraction < 0.6, 0.55, 0.3)
    at = np.flatnonzero(present)
    comment = _scatter(n, (at, _survey_comment(rng, lang[at], level[at], intent[at])))
    return _written(rows, {"comment": comment}, present, level, np.where(present, intent, -1))


def _survey_comment(
    rng: np.random.Generator, lang: np.ndarray, level: np.ndarray, intent: np.ndarray
) -> pa.Array:
    again = (level != 0) & (rng.random(lang.size) < 0.3)
    return join(
        _feedback(rng, lang, level, "we"),
        when(again, sentence(rng, lang, level, "we")),
        when(intent >= 0, intent_sentence(rng, lang, intent, "we")),
    )


def sentiment_comments(
    pop: Population, intents: Intents, accounts: pd.Index, table: pa.Table
) -> Written:
    """The CSM's note: tone of the colour given, the first reason spelled out, what they heard."""
    rng = stream(pop.seed, "sentiment_comments")
    rows = Rows.of(rng, pop, accounts, table, "rated_at", switch=0.05)
    lang, n = rows.lang, rows.account.size
    rating = _strings(table["rating"])
    u = rng.random(n)
    level = np.select(
        [rating == "green", rating == "yellow"],
        [np.digitize(u, [0.25, 0.75]), np.where(u < 0.6, -1, 0)],
        np.where(u < 0.5, -2, -1),
    )
    first_reason = _strings(pc.list_element(table["reasons"], 0))
    reason = pd.Index(SENTIMENT_REASONS).get_indexer(first_reason)
    told = np.where(rng.random(n) < 0.8, reason, -1)  # the reason spelled out (-1: none)
    heard = intents.draw(rng, rows.account, rows.time, SAY_INTENT)
    present = rng.random(n) < 0.75
    at = np.flatnonzero(present)
    text = _csm_comment(rng, lang[at], level[at], told[at], heard[at])
    spelled = pd.Index(INTENT_KINDS).get_indexer(pd.Series(first_reason).map(REASON_INTENT))
    intent = np.select([~present, heard >= 0, told >= 0], [-1, heard, spelled], -1)
    return _written(rows, {"comment": _scatter(n, (at, text))}, present, level, intent)


def _csm_comment(
    rng: np.random.Generator,
    lang: np.ndarray,
    level: np.ndarray,
    reason: np.ndarray,
    heard: np.ndarray,
) -> pa.Array:
    """How the customer seems (a plain fact when neutral), the reason (-1: none), what was heard."""
    reasons = tuple(f"reason.{r}" for r in SENTIMENT_REASONS)
    return join(
        choose(level == 0, pick(rng, "fact.csm", lang), _feedback(rng, lang, level, "they")),
        when(reason >= 0, pick(rng, reasons, lang, reason.clip(0))),
        when(heard >= 0, intent_sentence(rng, lang, heard, "they")),
    )


def add_texts(pop: Population, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Fill the free-text columns of `tables` in place; returns the hidden labels per table."""
    accounts = pd.Index(_strings(tables["accounts"]["account_id"]))
    intents = schedule_intents(pop)
    written = {
        "interactions": interaction_notes(
            pop, intents, accounts, tables["contacts"], tables["interactions"]
        ),
        "tickets": ticket_texts(pop, intents, accounts, tables["tickets"]),
        "surveys": survey_comments(pop, intents, accounts, tables["surveys"]),
        "sentiments": sentiment_comments(pop, intents, accounts, tables["sentiments"]),
    }
    for name, result in written.items():
        table = tables[name]
        for column, values in result.columns.items():
            at = table.schema.get_field_index(column)
            table = table.set_column(at, table.schema.field(at), values)
        tables[name] = table
    return {name: result.truth for name, result in written.items()}
