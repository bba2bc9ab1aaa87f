"""MIXTAPE_AUTH_SIGNUP_ENABLED=false: nobody new gets in, everybody known still does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from graphql_api.app import create_app
from graphql_api.db.models import User
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.auth.conftest import LOGIN, PASSWORD, REGISTER, error_code, register
from tests.auth.spotify_flow import login_with_spotify, query_of
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import point_at_emulator

FRONTEND = "http://frontend.test/app/"


@pytest.fixture
def open_settings(settings: Settings, emulator: EmulatorHandle) -> Settings:
    return point_at_emulator(
        settings, emulator, spotify_redirect_uri=None, auth_redirect_allowlist=[FRONTEND]
    )


@pytest.fixture
async def open_app(open_settings: Settings) -> AsyncIterator[str]:
    async with serve(create_app(open_settings)) as url:
        yield url


@pytest.fixture
async def closed_app(open_settings: Settings) -> AsyncIterator[str]:
    """An app on the same database with sign-up turned off."""
    closed = open_settings.model_copy(update={"auth_signup_enabled": False})
    async with serve(create_app(closed)) as url:
        yield url


async def _users(resources: Resources) -> int:
    async with resources.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def test_register_is_forbidden_but_known_accounts_log_in(
    open_app: str, closed_app: str, http: httpx.AsyncClient, resources: Resources
) -> None:
    await register(GraphQLClient(open_app, http), email="ada@example.com")
    closed = GraphQLClient(closed_app, http)
    body = await closed.execute(
        REGISTER, {"email": "bob@example.com", "password": PASSWORD, "displayName": "Bob"}
    )
    assert error_code(body) == "FORBIDDEN", body
    assert body["errors"][0]["extensions"]["reason"] == "SIGNUP_DISABLED"
    assert "Sign-up is turned off" in body["errors"][0]["message"]
    assert await _users(resources) == 1
    logged_in = await closed.query(LOGIN, {"email": "ada@example.com", "password": PASSWORD})
    assert logged_in["login"]["user"]["email"] == "ada@example.com"


async def test_a_first_spotify_login_is_forbidden_but_a_returning_one_logs_in(
    open_app: str, closed_app: str, http: httpx.AsyncClient, resources: Resources
) -> None:
    known = await login_with_spotify(http, open_app, "alice")
    assert known.status_code == 200, known.text

    refused = await login_with_spotify(http, closed_app, "bruno")
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "FORBIDDEN"
    assert refused.json()["error"]["reason"] == "SIGNUP_DISABLED"
    from_frontend = await login_with_spotify(http, closed_app, "bruno", redirect_to=FRONTEND)
    assert from_frontend.status_code == 302
    assert query_of(from_frontend.headers["location"])["error"] == "FORBIDDEN"
    assert await _users(resources) == 1

    again = await login_with_spotify(http, closed_app, "alice")
    assert again.status_code == 200, again.text
    assert again.json()["user"]["id"] == known.json()["user"]["id"]
