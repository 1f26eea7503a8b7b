"""The `tone` metric kind: average tone of the texts written in a window before D.

Tone is scored once per text at import (the derived `texts` table, see
`vigie.tone.store`), so scoring only averages stored numbers. Point in time: a
text counts for D when written in [D - window, D) (by its UTC day, like every
window); texts in another language (tone NULL) do not count. A `contact_role`
filter keeps texts whose contact was a champion / decision maker (or any
contact) on the contact rows known at D (started before D, or undated). Fewer
than `min_texts` matching texts give no value, so the missing-data policy applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir
from ibis import _

from vigie.scorecard import spec
from vigie.tone.store import texts_table

if TYPE_CHECKING:
    from vigie.scorecard.metrics import Context

KEYS = ["account_id", "as_of"]


def _one_or_many(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _role_of(contacts: ir.Table, roles: list[str]) -> ir.BooleanValue:
    """True for contacts holding one of `roles` (`any`: every contact)."""
    flags = {
        "champion": contacts.is_champion.fill_null(False),
        "decision_maker": contacts.is_decision_maker.fill_null(False),
        "any": ibis.literal(True),
    }
    return ibis.or_(*(flags[r] for r in roles))


def tone(ctx: Context, m: spec.ToneMetric, grid: ir.Table) -> ir.Table:
    """account_id, as_of, value (mean tone, -1..1) for every grid row; NULL below min_texts."""
    texts = texts_table(ctx.workspace)
    preds = [texts.tone.notnull()]
    if m.source is not None:
        preds.append(texts.source.isin(_one_or_many(m.source)))
    if m.direction is not None:
        preds.append(texts.direction.isin(_one_or_many(m.direction)))
    texts = texts.filter(*preds).select("account_id", "contact_id", "written_at", "tone")
    roles = _one_or_many(m.contact_role)
    if roles:
        contacts = ctx.workspace.table("contacts")
        contacts = contacts.filter(_role_of(contacts, roles)).select(
            "contact_id", contact_account=contacts.account_id, started_at=contacts.started_at
        )
        texts = texts.join(
            contacts,
            [
                texts.contact_id == contacts.contact_id,
                texts.account_id == contacts.contact_account,
            ],
        ).select("account_id", "written_at", "tone", "started_at")
    days = spec.window_days(m.window)
    joined = grid.select(*KEYS).join(texts, "account_id")
    day = joined.written_at.date()
    known = [day < joined.as_of, day >= joined.as_of - ibis.interval(days=days)]
    if roles:
        known.append(joined.started_at.isnull() | (joined.started_at < joined.as_of))
    found = (
        joined.filter(*known).group_by(KEYS).agg(value=_.tone.mean().cast("float64"), n=_.count())
    )
    found = found.filter(found.n >= m.min_texts).select(*KEYS, "value")
    dense = grid.select(*KEYS).left_join(found, KEYS)
    return dense.select(*KEYS, value=dense.value)
