"""Fuzz every documented /api operation from the OpenAPI schema: no input may cause a 5xx."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from vigie.web.app import create_app
from vigie.web.users import UserStore
from vigie.workspace import Workspace


@pytest.fixture(scope="module")
def api_token(scored_workspace: Path) -> str:
    return UserStore(scored_workspace).create_token("victor", "fuzz")


@pytest.fixture(scope="module")
def scored_app(scored_workspace: Path):
    return create_app(scored_workspace)


def _schema_app():
    """The schema does not depend on the data: read it from an app on an empty workspace."""
    folder = tempfile.mkdtemp(prefix="vigie-openapi-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    Workspace.init(folder).close()
    return create_app(folder)


schema = schemathesis.openapi.from_asgi("/openapi.json", _schema_app()).include(path_regex="^/api/")


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_with_a_server_error(case, api_token: str, scored_app) -> None:
    case.call_and_validate(
        app=scored_app,
        headers={"Authorization": f"Bearer {api_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
