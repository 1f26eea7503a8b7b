"""The FastAPI application factory: `create_app(workspace_dir)`.

Pages are server-rendered Jinja2; each page's JSON twin lives under `/api`
and is built by the same function. Route handlers only parse, check rights,
call one data function and render.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigie.errors import (
    BackendUnavailableError,
    UnknownAccountError,
    VigieError,
    WorkspaceBusyError,
)
from vigie.web.auth import (
    CsrfRejected,
    Forbidden,
    LoginLimiter,
    NotAuthenticated,
    session_user,
)
from vigie.web.i18n import Formatter
from vigie.web.pages.common import InvalidFilters, NoScores
from vigie.web.render import render
from vigie.web.users import SESSION_HOURS, UserStore
from vigie.web.widgets import dimension_cells, sparkline
from vigie.workspace import Workspace

HERE = Path(__file__).parent
PLOTLY_JS = importlib.resources.files("plotly") / "package_data" / "plotly.min.js"


class RefuseNul:
    """Answer 400 to a NUL character in the path or query: SQL string literals cannot hold one.

    Filters and ids go into queries as literals; DuckDB's parser rejects a NUL
    inside one, which would otherwise surface as a server error.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            b"%00" in scope.get("query_string", b"") or "\x00" in scope["path"]
        ):
            refused = JSONResponse({"detail": "NUL characters are not allowed in URLs."}, 400)
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


class NoFraming:
    """No page may be shown inside another site's frame: its forms could be clicked unseen
    (clickjacking). Both the old header and the CSP directive (added to a response's own
    policy, such as the sandboxed backtest report's), for every response."""

    ANCESTORS = b"frame-ancestors 'none'"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                policies = [v for k, v in headers if k == b"content-security-policy"]
                headers = [(k, v) for k, v in headers if k != b"content-security-policy"]
                policy = b"; ".join([*policies, self.ANCESTORS])
                message["headers"] = [
                    *headers,
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", policy),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


def create_app(workspace_dir: Path | str) -> FastAPI:
    """The dashboard for one workspace (checked now, opened again per request)."""
    root = Workspace.open(workspace_dir).root
    app = FastAPIOffline(  # a FastAPI app whose /docs needs no CDN: self-hosted, maybe offline
        title="Vigie",
        summary="Customer health dashboard and JSON API",
        description="Every page's data as JSON. Authenticate with `Authorization: Bearer TOKEN` "
        "(`vigie users token NAME`) or a browser session.",
        version="1",
    )
    app.state.root = root
    app.state.users = UserStore(root)
    app.state.limiter = LoginLimiter()
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.globals.update(sparkline=sparkline, dimension_cells=dimension_cells)
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.users.secret(),
        session_cookie="vigie_session",
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=False,  # served on 127.0.0.1 by default; put TLS in front to expose it
    )
    app.add_middleware(RefuseNul)
    app.add_middleware(NoFraming)
    app.add_middleware(GZipMiddleware, minimum_size=1000)  # plotly.min.js: 4.8 MB -> 1.4 MB
    _error_handlers(app, root)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        """plotly.js from the installed plotly package: no CDN, works offline."""
        return FileResponse(
            str(PLOTLY_JS),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},  # a day: it changes on upgrade
        )

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # Imported here: each module registers its routes on the router it exports.
    from vigie.web.pages import (
        account_routes,
        actions,
        alerts,
        board,
        book,
        data,
        login,
        portfolio_routes,
        review,
        scorecards,
        trends,
    )

    for module in (
        login,
        portfolio_routes,
        board,
        book,
        account_routes,
        actions,
        review,
        alerts,
        trends,
        scorecards,
        data,
    ):
        app.include_router(module.router)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path.endswith(
        (".json", ".csv", ".xlsx")
    )


def _error_handlers(app: FastAPI, root: Path) -> None:
    def problem(
        request: Request,
        status: int,
        message: str,
        params: dict[str, str] | None = None,
        **headers: str,
    ) -> Response:
        """`message` in English for the API; on a page, in the user's language when the
        catalogue has it (messages of fixed text, `params` filled in after translation)."""
        if _wants_json(request):
            text = message % params if params else message
            return JSONResponse({"detail": text}, status_code=status, headers=headers)
        user = session_user(request)  # an error page keeps the user's navigation
        if user is not None and message:  # gettext("") is the catalogue's header
            message = Formatter(user.language).gettext(message)
        context = {"status": status, "message": message % params if params else message}
        page = render(request, user, "error.html", context, status)
        page.headers.update(headers)
        return page

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request) or exc.status_code not in (404, 405):
            return await http_exception_handler(request, exc)
        if exc.status_code == 404:
            path = {"path": request.url.path}
            return problem(request, 404, "There is no page at %(path)s.", path)
        message = "This address receives a form: open the page it is on."
        return problem(request, 405, message, None, **(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return await request_validation_exception_handler(request, exc)
        fields = "; ".join(
            f"{err['loc'][-1]}: {err['msg']}" for err in exc.errors() if err.get("loc")
        )
        fields_of = {"fields": fields}
        return problem(
            request, 400, "Some values of this request are not valid (%(fields)s).", fields_of
        )

    @app.exception_handler(NotAuthenticated)
    def _login(request: Request, exc: NotAuthenticated) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "Authentication required: send Authorization: Bearer TOKEN."},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)

    @app.exception_handler(Forbidden)
    def _forbidden(request: Request, exc: Forbidden) -> Response:
        return problem(request, 403, exc.message)

    @app.exception_handler(CsrfRejected)
    def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return problem(request, 403, "This form has expired or was not sent by Vigie. Reload it.")

    @app.exception_handler(BackendUnavailableError)
    def _unavailable(request: Request, exc: BackendUnavailableError) -> Response:
        message = str(exc).replace(f" of workspace {root}", "")  # no server folder over HTTP
        return problem(request, 503, message, None, **{"Retry-After": "30"})

    @app.exception_handler(WorkspaceBusyError)
    def _busy(request: Request, exc: WorkspaceBusyError) -> Response:
        return problem(request, 503, str(exc), None, **{"Retry-After": "2"})

    @app.exception_handler(InvalidFilters)
    def _invalid_filters(request: Request, exc: InvalidFilters) -> Response:
        message = "Invalid filter value for: %(fields)s. Correct it and apply again."
        return problem(request, 400, message, {"fields": exc.fields})

    @app.exception_handler(NoScores)
    def _no_scores(request: Request, exc: NoScores) -> Response:
        return problem(
            request, 404, "No scores yet in this workspace: run `vigie score -w DIR` first."
        )

    @app.exception_handler(UnknownAccountError)
    def _unknown_account(request: Request, exc: UnknownAccountError) -> Response:
        # the message names the workspace folder, which is nobody's business over HTTP
        return problem(request, 404, str(exc).replace(f" in workspace {root}", ""))

    @app.exception_handler(VigieError)
    def _user_error(request: Request, exc: VigieError) -> Response:
        return problem(request, 400, str(exc))
