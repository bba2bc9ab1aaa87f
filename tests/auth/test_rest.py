"""REST routes use ``require_user``: 401 JSON without a valid bearer token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graphql_api.app import create_app
from graphql_api.auth.requests import require_user
from graphql_api.settings import Settings
from tests.support.server import serve


async def whoami(request: Request) -> JSONResponse:
    return JSONResponse({"userId": await require_user(request)})


@pytest.fixture
async def rest_url(settings: Settings) -> AsyncIterator[str]:
    app = create_app(settings)
    app.router.routes.append(Route("/whoami", whoami))
    async with serve(app) as url:
        yield url


async def test_require_user(
    rest_url: str, http: httpx.AsyncClient, ada: dict[str, Any], gql: Any
) -> None:
    anonymous = await http.get(f"{rest_url}/whoami")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "UNAUTHENTICATED"
    assert anonymous.headers["www-authenticate"] == "Bearer"
    bad = await http.get(f"{rest_url}/whoami", headers={"authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "UNAUTHENTICATED"
    good = await http.get(
        f"{rest_url}/whoami", headers={"authorization": f"Bearer {ada['accessToken']}"}
    )
    assert good.status_code == 200
    assert isinstance(good.json()["userId"], int)
