"""Render a page in the user's language with what every template needs."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import BaseModel

from vigie.web.auth import csrf_token
from vigie.web.i18n import Formatter, negotiate
from vigie.web.users import User


def language(request: Request, user: User | None) -> str:
    return user.language if user is not None else negotiate(request.headers.get("accept-language"))


def render(
    request: Request,
    user: User | None,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    """A page in the user's language, with the CSRF token every form needs."""
    fmt = Formatter(language(request, user))

    def link(**changes: Any) -> str:
        """The current URL's query with some parameters replaced (paging, sorting)."""
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
        params += [(k, v) for k, v in changes.items() if v is not None]
        return f"{request.url.path}?{urlencode(params)}"

    return request.app.state.templates.TemplateResponse(
        request,
        template,
        {
            **context,
            "user": user,
            "fmt": fmt,
            "_": fmt.gettext,
            "lang": fmt.language,
            "csrf": csrf_token(request),
            "link": link,
        },
        status_code=status_code,
    )


def fragment(request: Request, template: str, lang: str, context: dict[str, Any]) -> Markup:
    """Part of a page that depends only on its data and language (no user, no CSRF token),
    so a route can cache it per scoring run."""
    fmt = Formatter(lang)
    html = request.app.state.templates.get_template(template).render(
        **context, fmt=fmt, _=fmt.gettext, lang=lang
    )
    return Markup(html)


def json_response(model: BaseModel) -> Response:
    """The page model as JSON, serialised once by pydantic's Rust core.

    Returning the model itself would make FastAPI dump it, validate it again against
    the route's response_model and encode it: three passes for the same bytes. The
    route still declares response_model, so the OpenAPI schema documents it.
    """
    return Response(model.model_dump_json(), media_type="application/json")
