"""The account page: composite and dimensions, score history, measures, what changed, facts.

`account_page` feeds the page and `/api/accounts/{id}`. "What changed" compares
the stored measure contributions at two scored dates, largest move first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import plotly.graph_objects as go
import pyarrow.compute as pc
from pydantic import BaseModel

from vigie.engine.explain import children_changes
from vigie.engine.history import latest_scorecard
from vigie.engine.overrides import OVERALL, OVERRIDES
from vigie.engine.scoring import DIMENSIONS, MEASURES, SNAPSHOTS
from vigie.engine.state import account_state, dates_table
from vigie.errors import UnknownAccountError
from vigie.jsonsafe import json_safe
from vigie.scorecard.named import scorecard_spec
from vigie.signals.compute import latest_signal_date, stored_signals
from vigie.signals.config import load_config
from vigie.tone.store import recent_texts, tone_band
from vigie.web.pages.book import full_worklist
from vigie.web.pages.common import BandInfo, NoScores, bands, colour_of, latest_run
from vigie.web.pages.latest import latest
from vigie.workspace import Workspace

FACTS_SHOWN = 20
EXCHANGES_SHOWN = 10


class DimensionScore(BaseModel):
    dimension: str
    score: float | None
    band: str | None
    colour: str
    coverage: float | None
    weight: float | None


class MeasureScore(BaseModel):
    dimension: str
    measure: str
    raw_value: float | None
    raw_text: str | None
    points: float | None
    weight: float | None
    contribution: float | None
    missing: bool
    overridden: bool


class HistoryPoint(BaseModel):
    as_of: dt.date
    score: float | None
    band: str | None


class Change(BaseModel):
    dimension: str
    measure: str
    points_before: float | None
    points_after: float | None
    contribution_before: float | None
    contribution_after: float | None
    delta: float


class ChildChange(BaseModel):
    account_id: str
    score_from: float | None
    band_from: str | None
    score_to: float | None
    band_to: str | None
    change: float | None


class Changes(BaseModel):
    before: dt.date
    after: dt.date
    score_before: float | None
    score_after: float | None
    measures: list[Change]
    children: list[ChildChange]
    """For a parent rolled up from its children: theirs, largest move first (its own score
    has no measures then)."""


class Exchange(BaseModel):
    """A recent text from or about the customer (issue 10's `texts` table), scored for tone."""

    text_id: str
    source: str
    """interaction, ticket, survey or sentiment"""
    written_at: dt.datetime
    language: str
    tone: float | None
    """-1 (negative) to 1 (positive); null when the language is not scored."""
    tone_band: str | None
    """negative (tone <= -0.05), positive (>= 0.05) or neutral (VADER's convention)."""
    intents: list[str]
    intent_phrases: list[str]
    excerpt: str | None
    contact_id: str | None
    direction: str | None


class AccountPage(BaseModel):
    account: dict[str, Any]
    scorecard: str
    as_of: dt.date
    """The account's latest score date."""
    book_date: dt.date
    """The scorecard's latest run: an account last scored before it was not in the book then
    (a former customer)."""
    score: float | None
    band: str | None
    colour: str
    coverage: float | None
    deltas: dict[str, float | None]
    override_reason: str | None
    bands: list[BandInfo]
    dimensions: list[DimensionScore]
    measures: list[MeasureScore]
    history: list[HistoryPoint]
    changes: Changes | None
    contacts: list[dict[str, Any]]
    tickets: list[dict[str, Any]]
    sentiments: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    """Newest first: open, done and dismissed, with outcome and notes."""
    recommended_action: dict[str, Any] | None
    """The worklist's next action for this account (playbook, action, owner, due, risk type,
    evidence), as `vigie worklist` ranks it at the latest scored date; null when none."""
    overrides: list[dict[str, Any]]
    exchanges: list[Exchange]
    """The newest texts (notes, tickets, survey and CSM comments) with their tone and intents."""
    signals_date: dt.date | None
    """The latest date `vigie signals` stored signals for (the book's and portfolio's too)."""
    signals: list[dict[str, Any]]
    """This account's signals at `signals_date`."""
    sentiment_reasons: list[str]
    override_targets: list[str]
    scale: float | None
    """The scorecard's scale (e.g. 100 or 8) when its spec is known."""
    arr_at_risk: float | None
    """As on the portfolio and My book (ARR x risk x renewal proximity) at the book's latest
    date; null for an account not in the book then."""
    churn_risk: float | None
    """The latest stored churn probability (`vigie predict`); null without one."""


def _at_risk(ws: Workspace, card: str, account_id: str) -> dict[str, float | None]:
    """The account's ARR at risk and churn risk in the book's latest run (the portfolio's)."""
    table = latest(ws, card).table
    row = table.filter(pc.equal(table["account_id"], account_id))
    if row.num_rows == 0:
        return {"arr_at_risk": None, "churn_risk": None}
    return {k: row[k][0].as_py() for k in ("arr_at_risk", "churn_risk")}


def _rows(expr: ir.Table) -> list[dict[str, Any]]:
    return expr.to_pyarrow().to_pylist()


def account_page(
    ws: Workspace,
    account_id: str,
    scorecard: str | None = None,
    before: dt.date | None = None,
    after: dt.date | None = None,
) -> AccountPage:
    if SNAPSHOTS not in ws.con.list_tables():
        raise NoScores
    snaps = ws.con.table(SNAPSHOTS)
    if scorecard is None:  # the book's scorecard, else the one this account was scored with
        scorecard = latest_scorecard(snaps.filter(snaps.account_id == account_id))
    card, book_date = latest_run(ws, scorecard)
    mine = snaps.filter(snaps.scorecard == card, snaps.account_id == account_id)
    history = _rows(mine.select("as_of", "score_scaled", "band").order_by("as_of"))
    if not history:
        accounts = ws.table("accounts")
        if accounts.filter(accounts.account_id == account_id).count().execute() == 0:
            raise UnknownAccountError(f"No account {account_id!r} in workspace {ws.root}.")
        raise UnknownAccountError(f"Account {account_id!r} has no {card} score yet.")
    as_of = history[-1]["as_of"]
    snap = _rows(mine.filter(mine.as_of == as_of))[0]
    band_list = bands(ws, card, as_of, snap["segment_rule"])
    state = account_state(ws, dates_table([as_of]))
    info = _rows(state.filter(state.account_id == account_id))[0]
    days = info["days_to_renewal"]
    info["renewal_date"] = as_of + dt.timedelta(days=int(days)) if days is not None else None
    dims = ws.con.table(DIMENSIONS)
    dim_rows = _rows(
        dims.filter(dims.scorecard == card, dims.account_id == account_id, dims.as_of == as_of)
        .select("dimension", "score", "band", "coverage", "weight")
        .order_by(ibis.desc("weight"), "dimension")
    )
    measures = ws.con.table(MEASURES)
    measure_rows = _rows(
        measures.filter(
            measures.scorecard == card, measures.account_id == account_id, measures.as_of == as_of
        )
        .select(*MeasureScore.model_fields)
        .order_by("dimension", ibis.desc("weight"), "measure")
    )
    spec = scorecard_spec(ws.root, card)
    dates = [h["as_of"] for h in history]
    return AccountPage(
        account=info,
        scorecard=card,
        as_of=as_of,
        book_date=book_date,
        score=snap["score_scaled"],
        band=snap["band"],
        colour=colour_of(band_list, snap["band"]),
        coverage=snap["coverage"],
        deltas={k: snap[k] for k in ("delta_7d", "delta_30d", "delta_90d")},
        override_reason=snap["override_reason"] if snap["overridden"] else None,
        bands=band_list,
        dimensions=[DimensionScore(**d, colour=colour_of(band_list, d["band"])) for d in dim_rows],
        measures=[MeasureScore(**m) for m in measure_rows],
        history=[
            HistoryPoint(as_of=h["as_of"], score=h["score_scaled"], band=h["band"]) for h in history
        ],
        changes=changes(
            ws,
            card,
            account_id,
            _on_or_before(dates, before, 28),
            _on_or_before(dates, after, 0),
            rolled_up=bool(snap["rolled_up"]),
        ),
        contacts=_facts(ws, "contacts", account_id, "started_at"),
        tickets=_facts(ws, "tickets", account_id, "opened_at"),
        sentiments=_facts(ws, "sentiments", account_id, "rated_at"),
        actions=_facts(ws, "actions", account_id, "created_at"),
        recommended_action=_recommended(ws, account_id),
        overrides=_active_overrides(ws, card, account_id),
        exchanges=[
            Exchange(**t, tone_band=tone_band(t["tone"]))
            for t in recent_texts(ws, account_id, None, EXCHANGES_SHOWN)
        ],
        signals_date=(signal_day := latest_signal_date(ws)),
        signals=stored_signals(ws, signal_day, signal_day, account_id)
        .drop(columns=["account_id", "as_of"])
        .to_dict("records")
        if signal_day
        else [],
        **_at_risk(ws, card, account_id),
        sentiment_reasons=list(load_config(workspace=ws).sentiment.reasons),
        scale=spec.scale if spec else None,
        override_targets=[OVERALL] + ([f"{d}.{m}" for d, m, _ in spec.measures()] if spec else []),
    )


def _on_or_before(dates: list[dt.date], wanted: dt.date | None, days_back: int) -> dt.date:
    """The last scored date on or before `wanted` (default: `days_back` before the latest)."""
    target = wanted or dates[-1] - dt.timedelta(days=days_back)
    earlier = [d for d in dates if d <= target]
    return earlier[-1] if earlier else dates[0]


def changes(
    ws: Workspace,
    card: str,
    account_id: str,
    before: dt.date,
    after: dt.date,
    rolled_up: bool = False,
) -> Changes:
    """Each measure's contribution at `before` and `after`, largest absolute move first; for a
    rolled-up parent, its children's scores (see `vigie explain`)."""
    m = ws.con.table(MEASURES)
    mine = m.filter(m.scorecard == card, m.account_id == account_id)
    a = mine.filter(mine.as_of == before).select(
        "dimension", "measure", points_before=mine.points, contribution_before=mine.contribution
    )
    b = mine.filter(mine.as_of == after).select(
        "dimension", "measure", points_after=mine.points, contribution_after=mine.contribution
    )
    joined = a.outer_join(b, ["dimension", "measure"])
    joined = joined.select(
        dimension=ibis.coalesce(joined.dimension, joined.dimension_right),
        measure=ibis.coalesce(joined.measure, joined.measure_right),
        points_before=joined.points_before,
        points_after=joined.points_after,
        contribution_before=joined.contribution_before,
        contribution_after=joined.contribution_after,
    )
    delta = joined.contribution_after.fill_null(0) - joined.contribution_before.fill_null(0)
    joined = joined.mutate(delta=delta).order_by(ibis.desc(delta.abs()), "dimension", "measure")
    snaps = ws.con.table(SNAPSHOTS)
    scores = dict(
        (r["as_of"], r["score_scaled"])
        for r in _rows(
            snaps.filter(
                snaps.scorecard == card,
                snaps.account_id == account_id,
                snaps.as_of.isin([before, after]),
            ).select("as_of", "score_scaled")
        )
    )
    return Changes(
        before=before,
        after=after,
        score_before=scores.get(before),
        score_after=scores.get(after),
        measures=[Change(**r) for r in _rows(joined)],
        children=[
            ChildChange(**r)
            for r in json_safe(
                children_changes(ws, account_id, card, [before, after], rolled_up).to_dict(
                    "records"
                )
            )
        ],
    )


def _facts(ws: Workspace, table: str, account_id: str, newest: str) -> list[dict[str, Any]]:
    t = ws.table(table)
    return _rows(
        t.filter(t.account_id == account_id)
        .drop(*[c for c in ("account_id", "attributes") if c in t.columns])
        .order_by(ibis.desc(newest))
        .limit(FACTS_SHOWN)
    )


def _recommended(ws: Workspace, account_id: str) -> dict[str, Any] | None:
    rows, _ = full_worklist(ws)
    mine = rows[rows["account_id"] == account_id]
    if mine.empty:
        return None
    row = mine.astype(object).where(mine.notna(), None).iloc[0]
    keys = (
        "playbook", "action", "owner", "priority", "due", "due_days", "risk_type", "evidence",
        "open_action",
    )  # fmt: skip
    return {k: row[k] for k in keys}


def _active_overrides(ws: Workspace, card: str, account_id: str) -> list[dict[str, Any]]:
    if OVERRIDES not in ws.con.list_tables():
        return []
    today = dt.datetime.now(dt.UTC).date()
    t = ws.con.table(OVERRIDES)
    return _rows(
        t.filter(t.scorecard == card, t.account_id == account_id, t.until > today)
        .select("target", "value", "reason", "until", "author", "created_at")
        .order_by(ibis.desc("created_at"))
    )


def history_chart(page: AccountPage, title: str) -> str:
    """The score history as plotly figure JSON, the band areas drawn behind the line.

    Templates embed it in a <script> with "</" escaped, so no text in it can end the block.
    """
    fig = go.Figure()
    x = [h.as_of for h in page.history]
    seen = [h.score for h in page.history if h.score is not None]
    scale = page.scale or max([*seen, 1.0])
    upper = scale
    for band in page.bands:
        lower = band.bound if band.bound is not None else 0
        fig.add_hrect(y0=lower, y1=upper, fillcolor=band.colour, opacity=0.12, line_width=0)
        upper = lower
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[h.score for h in page.history],
            mode="lines+markers",
            name=title,
            line={"color": "#263238"},
            marker={"color": [colour_of(page.bands, h.band) for h in page.history], "size": 7},
        )
    )
    fig.update_layout(
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        height=280,
        yaxis={"range": [0, scale], "title": title},
        showlegend=False,
        plot_bgcolor="white",
    )
    return fig.to_json()
