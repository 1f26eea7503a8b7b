"""Relationship people: champion or decision maker gone, no champion, new executives.

A contact is present at D when started before D (or undated) and not ended
before D; an `ended_at` dated D or later was not yet known at D.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.signals.base import KEYS, Context, between, emit, number


def signals(ctx: Context) -> list[ir.Table]:
    lookback = ctx.config.contacts.lookback_days
    contacts = ctx.table("contacts")
    j = ctx.grid.select(*KEYS).join(contacts, "account_id")
    started = j.started_at.isnull() | (j.started_at < j.as_of)
    j = j.filter(started)
    present = j.ended_at.isnull() | (j.ended_at >= j.as_of)
    left = j.ended_at.notnull() & between(j, j.ended_at, lookback)
    arrived = j.started_at.notnull() & between(j, j.started_at, lookback)
    before_window = j.started_at.isnull() | (j.started_at < j.as_of - ibis.interval(days=lookback))
    per = j.group_by(KEYS).agg(
        champions=_.count(where=present & j.is_champion.fill_null(False)),
        champion_left=_.count(where=left & j.is_champion.fill_null(False)),
        champion_left_on=j.ended_at.max(where=left & j.is_champion.fill_null(False)),
        dm_left=_.count(where=left & j.is_decision_maker.fill_null(False)),
        dm_left_on=j.ended_at.max(where=left & j.is_decision_maker.fill_null(False)),
        new_exec=_.count(where=arrived & j.is_decision_maker.fill_null(False)),
        new_exec_roles=j.role.fill_null("decision maker")
        .collect(where=arrived & j.is_decision_maker.fill_null(False))
        .sort()
        .join(", "),
        known_before=_.count(where=before_window),
        present=_.count(where=present),
    )
    out = []
    gone = per.filter(per.champion_left > 0)
    severity = ibis.ifelse(gone.champions == 0, "high", "medium")
    replaced = ibis.ifelse(gone.champions == 0, "; no champion since", "; another champion present")
    out.append(
        emit(
            gone,
            "champion_left",
            severity,
            gone.champion_left,
            None,
            "champion left on " + gone.champion_left_on.cast("string") + replaced,
        )
    )
    dm = per.filter(per.dm_left > 0)
    out.append(
        emit(
            dm,
            "decision_maker_left",
            "high",
            dm.dm_left,
            None,
            "decision maker left on " + dm.dm_left_on.cast("string"),
        )
    )
    # Only a standing absence: a departure in the window already fires champion_left.
    # An account with no contact at all has no champion either, on the dates the book
    # has contacts (a team that imports none gets no such signal).
    books = per.group_by("as_of").agg()
    every = ctx.grid.select(*KEYS).join(books, "as_of")
    every = every.left_join(per, KEYS).select(
        *KEYS,
        champions=per.champions.fill_null(0),
        champion_left=per.champion_left.fill_null(0),
        present=per.present.fill_null(0),
    )
    # a holding company's people are at its subsidiaries: no contact of its own is no news
    accounts = ctx.table("accounts")
    parents = accounts.filter(accounts.parent_account_id.notnull()).parent_account_id
    none = every.filter(
        every.champions == 0,
        every.champion_left == 0,
        (every.present > 0) | ~every.account_id.isin(parents),
    )
    out.append(
        emit(
            none,
            "no_champion",
            "medium",
            number(0.0),
            None,
            ibis.ifelse(
                none.present == 0,
                "no contact on record",
                "no champion among the account's present contacts",
            ),
        )
    )
    new = per.filter(per.new_exec > 0, per.known_before > 0)
    out.append(
        emit(
            new,
            "new_executive",
            "low",
            new.new_exec,
            None,
            "new decision maker(s) in the last " + str(lookback) + " days: " + new.new_exec_roles,
        )
    )
    return out
