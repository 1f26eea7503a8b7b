"""What every page needs: a short-lived workspace, the scorecard shown, its bands and colours.

The workspace is opened per request and closed after it: DuckDB lets one
process write a file at a time, so the server never holds the lock between
requests and a CLI command (import, score) can run while the server is up.
A request that meets a CLI write in progress gets 503 "busy, retry".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import AsyncIterator
from typing import Any, Protocol, Self, TypeVar, get_origin

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError

from vigie.engine.history import bands_seen, latest_scorecard, pick_scorecard
from vigie.engine.scoring import SNAPSHOTS
from vigie.errors import WorkspaceBusyError, WorkspaceError
from vigie.scorecard.named import scorecard_spec
from vigie.workspace import Workspace

"""Scorecards uploaded through the web, as `<name>.yaml` in the workspace folder."""
M = TypeVar("M", bound=BaseModel)
_GOOD, _MID, _BAD = (46, 125, 50), (249, 168, 37), (198, 40, 40)


async def workspace(request: Request) -> AsyncIterator[Workspace]:
    """FastAPI dependency: the workspace for this request only, connected on first use.

    Async: opening reads one small TOML file, and a request served from the in-memory
    latest run never connects, so it costs no hop through the thread pool. A connection
    that was opened is closed in the pool (DuckDB may checkpoint on close).
    """
    ws = Workspace.open(request.app.state.root)
    try:
        yield ws
    except WorkspaceError as exc:
        if "lock" in str(exc).lower():
            raise WorkspaceBusyError(
                f"The workspace {ws.root} is being written by another process (a CLI import or "
                "scoring run). Retry in a few seconds."
            ) from exc
        raise
    finally:
        if "con" in vars(ws):  # Workspace.con is a cached_property: set once connected
            await run_in_threadpool(ws.close)


class Pageable(Protocol):
    """Filters of a paged list (portfolio, actions, alerts)."""

    page: int
    per_page: int

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self: ...


P = TypeVar("P", bound=Pageable)


def paged(filters: P, total: int) -> tuple[P, int]:
    """The filters with their `page` brought back to the last page when past it (a link kept
    from a longer list), and the number of pages (at least one)."""
    pages = max(1, math.ceil(total / filters.per_page))
    return filters.model_copy(update={"page": min(filters.page, pages)}), pages


def query_model(model: type[M], request: Request) -> M:
    """A page's filters from a browser's GET form, where an empty field means "no filter".

    A field typed as a list collects every value of its repeated parameter (checkboxes).
    A bad value is a readable 400 naming the fields, not a 422.
    """
    params: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        if value == "":
            continue
        field = model.model_fields.get(key)
        if field is not None and get_origin(field.annotation) is list:
            params.setdefault(key, []).append(value)
        else:
            params[key] = value
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise InvalidFilters(", ".join(str(e["loc"][0]) for e in exc.errors())) from None


class NoScores(Exception):
    """The workspace has no health snapshots yet (pages say: run `vigie score`)."""


class InvalidFilters(Exception):
    """A page's filters that do not validate (400, naming the fields, in the user's language)."""

    def __init__(self, fields: str) -> None:
        super().__init__(fields)
        self.fields = fields


class BandInfo(BaseModel):
    name: str
    colour: str
    bound: float | None = None
    """Lowest score (on the scorecard's scale) that takes this band; None for the last band."""


def latest_run(ws: Workspace, scorecard: str | None) -> tuple[str, dt.date]:
    """The scorecard shown (the most recently scored one unless asked) and its latest date."""
    if SNAPSHOTS not in ws.con.list_tables():
        raise NoScores
    snaps = ws.con.table(SNAPSHOTS)
    # a scorecard asked for by name must have scores: else say which do, not "no scores yet"
    name = pick_scorecard(snaps, scorecard, "this workspace") if scorecard else None
    name = name or latest_scorecard(snaps)
    last = snaps.filter(snaps.scorecard == name).as_of.max().to_pyarrow().as_py()
    if last is None:
        raise NoScores
    return str(name), last


def bands(
    ws: Workspace, card_name: str, as_of: dt.date, segment: str | None = None
) -> list[BandInfo]:
    """Bands best first with a colour each (the bounds of `segment`'s bands when it has its
    own); from the spec, else ordered by the scores seen."""
    card = scorecard_spec(ws.root, card_name)
    if card is not None:
        chosen = card.bands_of(segment)
        names = [b.name for b in chosen]
        bounds: list[float | None] = [b.bound for b in chosen[:-1]] + [None]
    else:
        names = bands_seen(ws, card_name, as_of)
        bounds = [None] * len(names)
    colours = palette(len(names))
    return [
        BandInfo(name=n, colour=c, bound=b) for n, c, b in zip(names, colours, bounds, strict=True)
    ]


def palette(count: int) -> list[str]:
    """`count` colours from green (best band) through amber to red (worst)."""
    colours = []
    for i in range(count):
        t = i / (count - 1) if count > 1 else 0.0
        a, b, u = (_GOOD, _MID, t * 2) if t <= 0.5 else (_MID, _BAD, t * 2 - 1)
        rgb = [round(x + (y - x) * u) for x, y in zip(a, b, strict=True)]
        colours.append("#" + "".join(f"{c:02x}" for c in rgb))
    return colours


def colour_of(band_list: list[BandInfo], band: str | None) -> str:
    for info in band_list:
        if info.name == band:
            return info.colour
    return "#9e9e9e"
