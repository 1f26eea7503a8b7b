"""Scorecards: the ones in use as readable tables, their versions, and upload of a new YAML.

An uploaded scorecard is validated in full first; if any problem is found the
page lists them all and nothing is saved. A valid one is saved as
`scorecards/<name>.yaml` in the workspace (`vigie score -s <name>` scores with it, before a
bundled template of that name) and the upload is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from typing import Annotated

import ibis
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel

from vigie.engine.scoring import SNAPSHOTS
from vigie.errors import ScorecardError, VigieError
from vigie.predict.store import MODELS_FOLDER
from vigie.scorecard.named import SCORECARD_FOLDER, scorecard_spec
from vigie.scorecard.spec import Scorecard, bundled_templates, load_scorecard
from vigie.web.auth import check_csrf, current_user, require_admin, store_of
from vigie.web.pages.common import workspace
from vigie.web.render import render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()
MAX_YAML_BYTES = 1_000_000
BACKTEST_REPORT = "backtest-report.html"
"""In the workspace folder: `make demo` writes it; `vigie backtest --html DIR/backtest-report.html`."""


class MeasureLine(BaseModel):
    dimension: str
    measure: str
    share_of_dimension: float
    share_of_score: float
    metric: str
    grade: str


class Version(BaseModel):
    version: str
    first_scored: dt.date
    last_scored: dt.date
    snapshots: int


class ScorecardView(BaseModel):
    name: str
    description: str
    scale: float | None
    bands: list[dict[str, object]]
    measures: list[MeasureLine]
    versions: list[Version]


class ModelBacktest(BaseModel):
    """A stored churn model's held-out test metrics, next to its scorecard's on the same dates."""

    name: str
    trained_at: str | None
    horizon_days: int | None
    scorecard: str | None
    test: dict[str, float | int | None]
    scorecard_on_test: dict[str, float | int | None]


class ScorecardsPage(BaseModel):
    scorecards: list[ScorecardView]
    uploads: list[dict[str, object]]
    backtest_report: dt.datetime | None
    """When `backtest-report.html` (from `vigie backtest --html`) was written; null if absent."""
    backtests: list[ModelBacktest]


def measure_lines(card: Scorecard) -> list[MeasureLine]:
    """Weights as the engine applies them when every measure has data."""
    total = sum(d.weight for d in card.dimensions.values())
    lines = []
    for dim_name, dim in card.dimensions.items():
        in_dim = sum(m.weight for m in dim.measures.values())
        for m_name, measure in dim.measures.items():
            lines.append(
                MeasureLine(
                    dimension=dim_name,
                    measure=m_name,
                    share_of_dimension=measure.weight / in_dim,
                    share_of_score=dim.weight / total * measure.weight / in_dim,
                    metric=json.dumps(
                        measure.metric.model_dump(mode="json", exclude_defaults=True)
                    ),
                    grade=json.dumps(measure.grade.model_dump(mode="json", exclude_defaults=True)),
                )
            )
    return lines


def scorecards(ws: Workspace, uploads: list[dict[str, object]]) -> ScorecardsPage:
    names: list[str] = []
    versions: dict[str, list[Version]] = {}
    if SNAPSHOTS in ws.con.list_tables():
        s = ws.con.table(SNAPSHOTS)
        rows = (
            s.group_by("scorecard", "scorecard_version")
            .agg(first=s.as_of.min(), last=s.as_of.max(), n=s.count())
            .order_by("scorecard", ibis.desc("last"))
            .to_pyarrow()
            .to_pylist()
        )
        for r in rows:
            versions.setdefault(r["scorecard"], []).append(
                Version(
                    version=r["scorecard_version"],
                    first_scored=r["first"],
                    last_scored=r["last"],
                    snapshots=r["n"],
                )
            )
    names = list(versions)
    folder = ws.root / SCORECARD_FOLDER
    if folder.is_dir():
        names += sorted(p.stem for p in folder.glob("*.yaml") if p.stem not in versions)
    views = []
    for name in names:
        card = scorecard_spec(ws.root, name)
        views.append(
            ScorecardView(
                name=name,
                description=card.description if card else "",
                scale=card.scale if card else None,
                bands=[{"name": b.name, "min": b.bound} for b in card.bands] if card else [],
                measures=measure_lines(card) if card else [],
                versions=versions.get(name, []),
            )
        )
    report = ws.root / BACKTEST_REPORT
    return ScorecardsPage(
        scorecards=views,
        uploads=uploads,
        backtest_report=(
            dt.datetime.fromtimestamp(report.stat().st_mtime, dt.UTC) if report.is_file() else None
        ),
        backtests=stored_backtests(ws),
    )


def stored_backtests(ws: Workspace) -> list[ModelBacktest]:
    """Metrics kept in each model's metadata.json by `vigie train` (the model is not loaded)."""
    found = []
    for path in sorted((ws.root / MODELS_FOLDER).glob("*/metadata.json")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a model being written, or not one of ours: nothing to show
        metrics = meta.get("metrics", {})
        found.append(
            ModelBacktest(
                name=meta.get("name", path.parent.name),
                trained_at=meta.get("trained_at"),
                horizon_days=meta.get("horizon_days"),
                scorecard=meta.get("scorecard"),
                test=_numbers(metrics.get("test", {})),
                scorecard_on_test=_numbers(metrics.get("scorecard_on_test", {})),
            )
        )
    return found


def _numbers(metrics: dict[str, object]) -> dict[str, float | int | None]:
    return {k: v for k, v in metrics.items() if v is None or isinstance(v, int | float)}


def save_scorecard(ws: Workspace, text: str) -> Scorecard:
    """Validate in full (ScorecardError lists every problem), then save atomically."""
    card = load_scorecard(text if "\n" in text else text + "\n", ws)
    folder = ws.root / SCORECARD_FOLDER
    folder.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, folder / f"{card.name}.yaml")
    return card


UserDep = Annotated[User, Depends(current_user)]
WorkspaceDep = Annotated[Workspace, Depends(workspace)]


def _uploads(request: Request) -> list[dict[str, object]]:
    return store_of(request).audit_log("scorecard", limit=20)


@router.get("/scorecards", response_class=HTMLResponse, include_in_schema=False)
def scorecards_html(request: Request, user: UserDep, ws: WorkspaceDep) -> Response:
    page = scorecards(ws, _uploads(request))
    context = {"page": page, "problems": None, "saved": None, "shadows": False}
    return render(request, user, "scorecards.html", context)


@router.get("/api/scorecards", response_model=ScorecardsPage, tags=["scorecards"])
def scorecards_json(request: Request, user: UserDep, ws: WorkspaceDep) -> ScorecardsPage:
    """Scorecards in use (and uploaded), their measures, weights and versions."""
    return scorecards(ws, _uploads(request))


@router.get("/scorecards/backtest-report", include_in_schema=False)
def backtest_report(request: Request, user: UserDep) -> Response:
    """The HTML report as written, sandboxed: its scripts run in an origin of their own and
    cannot read the dashboard's session."""
    path = request.app.state.root / BACKTEST_REPORT
    if not path.is_file():
        raise VigieError(
            f"No {BACKTEST_REPORT} in the workspace: run "
            f"`vigie backtest --html {path}` to write it."
        )
    return FileResponse(
        path, media_type="text/html", headers={"Content-Security-Policy": "sandbox allow-scripts"}
    )


@router.post("/scorecards", include_in_schema=False)
def upload_scorecard(
    request: Request,
    user: UserDep,
    ws: WorkspaceDep,
    file: Annotated[UploadFile, File()],
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    check_csrf(request, csrf_token)
    require_admin(user)
    raw = file.file.read(MAX_YAML_BYTES + 1)
    problems: list[str] | None = None
    saved = None
    try:
        if len(raw) > MAX_YAML_BYTES:
            raise ScorecardError(file.filename or "upload", [])
        card = save_scorecard(ws, raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems = ["The file is not UTF-8 text."]
    except ScorecardError as exc:
        problems = [str(p) for p in exc.problems] or [
            f"The file is larger than {MAX_YAML_BYTES} bytes."
        ]
    else:
        saved = card.name
        detail = {"name": card.name, "version": card.version, "file": file.filename}
        store_of(request).audit(user.username, "scorecard", card.name, detail)
    page = scorecards(ws, _uploads(request))
    shadows = saved in bundled_templates()
    context = {"page": page, "problems": problems, "saved": saved, "shadows": shadows}
    return render(request, user, "scorecards.html", context, status_code=400 if problems else 200)
