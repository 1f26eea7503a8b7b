"""Signals from what people wrote: tone falling, a key contact's negative tone, churn intent,
and hidden dissatisfaction seen in text (a promoter's answer while the words are negative).

Tone and intent flags are stored per text at import (the derived `texts` table), so
these are aggregates of numbers. Point in time: a text counts for D when written
before D (by its UTC day, like every window). Each firing quotes the text it rests
on, shortened; where the workspace keeps no text (`--no-text`) the evidence says so.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.signals.base import KEYS, Context, between, day, emit, text
from vigie.tone.store import texts_table


def signals(ctx: Context) -> list[ir.Table]:
    return [
        _tone_falling(ctx),
        _negative_key_contact(ctx),
        _churn_intent(ctx),
        _hidden_dissatisfaction_text(ctx),
    ]


def _texts(ctx: Context, days: int, directions: list[str] | None) -> ir.Table:
    """Texts on the grid rows whose window [D - days, D) holds them, with `_day`."""

    def build() -> ir.Table:
        texts = texts_table(ctx.workspace)
        if directions is not None:
            texts = texts.filter(texts.direction.isin(directions))
        joined = ctx.grid.select(*KEYS).join(texts, "account_id")
        joined = joined.mutate(_day=day(joined.written_at))
        return joined.filter(between(joined, joined._day, days))

    return ctx.kept(f"texts:{days}:{directions}", build)


def quote(excerpt: ir.StringValue, chars: int) -> ir.StringValue:
    """A text's excerpt on one line in quotes, cut to `chars` with an ellipsis; "text not kept"
    when NULL."""
    flat = excerpt.re_replace(r"\s+", " ")
    short = ibis.ifelse(flat.length() > chars, flat.substr(0, chars - 1) + "…", flat)
    return ibis.ifelse(excerpt.isnull(), "text not kept", '"' + short + '"')


def _first(rows: ir.Table, *order: Any) -> ir.Table:
    """Per account and date, the first row by `order` (deferred `_` columns): the text quoted."""
    rank = ibis.row_number().over(group_by=KEYS, order_by=[*order, _.text_id])
    return rows.mutate(_rank=rank).filter(_._rank == 0).drop("_rank")


def _said(rows: ir.Table, chars: int) -> ir.StringValue:
    """`ticket on 2026-09-03 (tone -0.62): "..."`: which text, when, its tone and its words."""
    tone = ibis.ifelse(rows.tone.isnull(), "", " (tone " + text(rows.tone, 2) + ")")
    return (
        rows.source + " on " + rows._day.cast("string") + tone + ": " + quote(rows.excerpt, chars)
    )


def _tone_falling(ctx: Context) -> ir.Table:
    """Recent average tone against the account's own baseline, enough texts on both sides."""
    cfg = ctx.config.tone
    span = cfg.recent_days + cfg.baseline_days
    texts = _texts(ctx, span, cfg.directions)
    texts = texts.filter(texts.tone.notnull())
    recent = between(texts, texts._day, cfg.recent_days)
    per = texts.group_by(KEYS).agg(
        now=_.tone.mean(where=recent),
        n_now=_.count(where=recent),
        before=_.tone.mean(where=~recent),
        n_before=_.count(where=~recent),
    )
    fell = per.filter(
        per.n_now >= cfg.min_texts,
        per.n_before >= cfg.min_texts,
        per.now <= per.before - cfg.fall,
    )
    worst = _first(texts.filter(recent), _.tone, _.written_at.desc())
    j = fell.join(worst, KEYS)
    evidence = (
        "tone fell from "
        + text(j.before, 2)
        + " ("
        + text(j.n_before)
        + " texts before) to "
        + text(j.now, 2)
        + " ("
        + text(j.n_now)
        + f" texts in the last {cfg.recent_days} days); lowest: "
        + _said(j, cfg.excerpt_chars)
    )
    severity = ibis.ifelse(j.now <= j.before - 2 * cfg.fall, "high", "medium")
    return emit(j, "tone_falling", severity, j.now, j.before, evidence)


def _negative_key_contact(ctx: Context) -> ir.Table:
    """Negative texts a champion or decision maker wrote (inbound; role on the rows known at D)."""
    cfg = ctx.config.tone
    contacts = ctx.table("contacts")
    key = contacts.is_champion.fill_null(False) | contacts.is_decision_maker.fill_null(False)
    contacts = contacts.filter(key).select(
        "contact_id",
        contact_account=contacts.account_id,
        contact_name=contacts.name,
        decides=contacts.is_decision_maker.fill_null(False),
        started_at=contacts.started_at,
    )
    texts = _texts(ctx, cfg.recent_days, ["inbound"])  # what the contact wrote, not to them
    j = texts.join(
        contacts,
        [texts.contact_id == contacts.contact_id, texts.account_id == contacts.contact_account],
    )
    j = j.filter(j.tone <= cfg.negative, j.started_at.isnull() | (j.started_at < j.as_of))
    counts = j.group_by(KEYS).agg(n=_.count())
    worst = _first(j, _.tone, _.written_at.desc())
    w = worst.join(counts, KEYS)
    role = ibis.ifelse(w.decides, "decision maker ", "champion ")
    who = role + w.contact_name.fill_null(w.contact_id)
    more = ibis.ifelse(w.n > 1, " (" + text(w.n) + " negative texts from key contacts)", "")
    evidence = who + " wrote on " + w._day.cast("string") + " (tone " + text(w.tone, 2) + "): "
    evidence = evidence + quote(w.excerpt, cfg.excerpt_chars) + more
    severity = ibis.ifelse(w.n > 1, "high", "medium")
    return emit(
        w, "negative_tone_key_contact", severity, w.tone, ibis.literal(cfg.negative), evidence
    )


def _churn_intent(ctx: Context) -> ir.Table:
    """A text flagged with a churn-intent phrase (cancel, competitor, budget, ...) recently."""
    cfg = ctx.config.tone
    texts = _texts(ctx, cfg.intent_days, None)
    flagged = texts.filter(texts.intents.length() > 0)
    counts = flagged.group_by(KEYS).agg(n=_.count())
    latest = _first(flagged, _.written_at.desc())
    j = latest.join(counts, KEYS)
    more = ibis.ifelse(j.n > 1, " (" + text(j.n) + " texts with churn intent)", "")
    evidence = (
        j.source
        + " on "
        + j._day.cast("string")
        + ' matched "'
        + j.intent_phrases.join('", "')
        + '" ('
        + j.intents.join(", ")
        + "): "
        + quote(j.excerpt, cfg.excerpt_chars)
        + more
    )
    return emit(j, "churn_intent", "high", j.n, None, evidence)


def _hidden_dissatisfaction_text(ctx: Context) -> ir.Table:
    """The latest NPS answer says promoter or passive while the recent texts are negative."""
    cfg = ctx.config.tone
    surveys = ctx.table("surveys")
    surveys = surveys.filter(surveys.kind == "nps")
    s = ctx.grid.select(*KEYS).join(surveys, "account_id")
    s = s.filter(between(s, day(s.answered_at), cfg.nps_window_days))
    nps = s.group_by(KEYS).agg(
        score=_.score.argmax(_.answered_at), answered=_.answered_at.max().date()
    )
    nps = nps.filter(nps.score >= cfg.promoter_min)
    texts = _texts(ctx, cfg.recent_days, cfg.directions)
    texts = texts.filter(texts.tone.notnull())
    tone = texts.group_by(KEYS).agg(avg=_.tone.mean(), n=_.count())
    tone = tone.filter(tone.n >= cfg.min_texts, tone.avg <= cfg.negative)
    worst = _first(texts, _.tone, _.written_at.desc())
    j = nps.join(tone, KEYS).join(worst, KEYS)
    evidence = (
        "latest NPS answer "
        + text(j.score)
        + " on "
        + j.answered.cast("string")
        + " while the "
        + text(j.n)
        + f" texts of the last {cfg.recent_days} days average tone "
        + text(j.avg, 2)
        + "; lowest: "
        + _said(j, cfg.excerpt_chars)
    )
    return emit(
        j, "hidden_dissatisfaction_text", "medium", j.avg, ibis.literal(cfg.negative), evidence
    )
