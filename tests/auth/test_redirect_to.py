"""``redirect_to`` of a Spotify login or link: stored, so checked like every client string."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from graphql_api.app import create_app
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.support.server import serve
from tests.support.spotify import point_at_emulator

FRONTEND = "http://frontend.test/app/"


@pytest.fixture
async def app_with_frontend(settings: Settings, emulator: EmulatorHandle) -> AsyncIterator[str]:
    configured = point_at_emulator(
        settings, emulator, spotify_redirect_uri=None, auth_redirect_allowlist=[FRONTEND]
    )
    async with serve(create_app(configured)) as url:
        yield url


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        (FRONTEND + "\x00", "NUL character"),
        (FRONTEND + "a" * 2100, "at most 2,048"),
    ],
)
async def test_a_redirect_to_that_cannot_be_stored_is_bad_user_input(
    app_with_frontend: str, http: httpx.AsyncClient, target: str, problem: str
) -> None:
    response = await http.get(
        f"{app_with_frontend}/auth/spotify/login",
        params={"redirect_to": target},
        follow_redirects=False,
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "redirect_to")
    assert problem in error["message"]
    fine = await http.get(
        f"{app_with_frontend}/auth/spotify/login",
        params={"redirect_to": FRONTEND + "a" * 100},
        follow_redirects=False,
    )
    assert fine.status_code == 302
