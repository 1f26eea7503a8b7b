"""Data: rows per canonical table, the last import of each, and an import form.

A browser upload goes through `import_files`, the same validated, all-or-nothing
path as `vigie import`, and shows the same report: every problem with line,
column and reason, or the counts of what was written.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from vigie.errors import ImportValidationError, VigieError
from vigie.io.import_log import last_imports
from vigie.io.importer import ImportMode, import_files
from vigie.schema import TABLES
from vigie.web.auth import check_csrf, current_user, require_admin, store_of
from vigie.web.pages.common import workspace
from vigie.web.render import render
from vigie.web.users import User
from vigie.workspace import Workspace

router = APIRouter()
PROBLEMS_SHOWN = 200


class TableStatus(BaseModel):
    table: str
    rows: int
    last_import: dict[str, Any] | None
    """The last import, from the CLI or the web: when, who, mode, files, rows written."""


class DataPage(BaseModel):
    tables: list[TableStatus]


def data_page(ws: Workspace) -> DataPage:
    last = last_imports(ws)
    return DataPage(
        tables=[
            TableStatus(
                table=name,
                rows=int(ws.table(name).count().execute()),
                last_import=_last(last[name]) if name in last else None,
            )
            for name in TABLES
        ]
    )


def _last(entry: dict[str, Any]) -> dict[str, Any]:
    return {"at": entry.pop("imported_at"), "by": entry.pop("author"), **entry}


def import_upload(
    ws: Workspace, table: str, mode: str, filename: str, content: bytes, dry_run: bool, author: str
) -> dict[str, Any]:
    """Import one uploaded file under its own name (so the report names it as the user knows it)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(filename).name) or "upload.csv"
    with tempfile.TemporaryDirectory(prefix="vigie-upload-") as folder:
        path = Path(folder) / safe
        path.write_bytes(content)
        try:
            report = import_files(ws, table, [path], mode=mode, dry_run=dry_run, author=author)
        except ImportValidationError as exc:
            exc.problems = [
                p.__class__(safe, p.line, p.column, p.value, p.reason) for p in exc.problems
            ]
            raise
    result = report.to_dict()
    result["files"] = [safe]
    return result


UserDep = Annotated[User, Depends(current_user)]
WorkspaceDep = Annotated[Workspace, Depends(workspace)]


def _render(
    request: Request, user: User, ws: Workspace, status: int = 200, **extra: Any
) -> Response:
    context = {
        "page": data_page(ws),
        "modes": [m.value for m in ImportMode],
        "report": None,
        "problems": None,
        "error": None,
        **extra,
    }
    return render(request, user, "data.html", context, status_code=status)


@router.get("/data", response_class=HTMLResponse, include_in_schema=False)
def data_html(request: Request, user: UserDep, ws: WorkspaceDep) -> Response:
    return _render(request, user, ws)


@router.get("/api/data", response_model=DataPage, tags=["data"])
def data_json(request: Request, user: UserDep, ws: WorkspaceDep) -> DataPage:
    """Rows per canonical table and the last import of each (CLI or web)."""
    return data_page(ws)


@router.post("/data/import", include_in_schema=False)
def data_import(
    request: Request,
    user: UserDep,
    ws: WorkspaceDep,
    table: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    mode: Annotated[str, Form()] = "append",
    dry_run: Annotated[bool, Form()] = False,
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    check_csrf(request, csrf_token)
    require_admin(user)
    try:
        report = import_upload(
            ws, table, mode, file.filename or "upload.csv", file.file.read(), dry_run, user.username
        )
    except ImportValidationError as exc:
        problems = [str(p) for p in exc.problems[:PROBLEMS_SHOWN]]
        return _render(request, user, ws, 400, problems=problems, error=str(exc).splitlines()[0])
    except VigieError as exc:
        return _render(request, user, ws, 400, error=str(exc))
    if not dry_run:
        store_of(request).audit(user.username, "import", table, report)
    return _render(request, user, ws, report=report)
