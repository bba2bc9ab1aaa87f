"""Demo mode: no Spotify credentials outside production -> an in-process emulator."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from graphql_api.app import create_app
from graphql_api.settings import Settings
from graphql_api.spotify.budget import MemoryBudget
from graphql_api.spotify.client import SpotifyClient, StaticToken
from graphql_api.spotify.demo import demo_spotify
from graphql_api.spotify.oauth import authorize_url, exchange_code, new_pkce_pair
from tests.support.server import serve

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_demo_mode_serves_a_working_spotify(
    settings: Settings, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="graphql_api.spotify.demo"):
        async with demo_spotify(settings) as demo:
            assert demo.spotify_api_url.startswith("http://127.0.0.1:")
            assert demo.spotify_redirect_uri == "http://127.0.0.1:8000/auth/spotify/callback"
            verifier, challenge = new_pkce_pair()
            url = authorize_url(demo, state="xyz", code_challenge=challenge)
            consent = await http.get(url + "&emulator_user=alice")
            assert consent.status_code == 302
            query = parse_qs(urlsplit(consent.headers["location"]).query)
            assert query["state"] == ["xyz"]
            tokens = await exchange_code(http, demo, code=query["code"][0], code_verifier=verifier)
            client = SpotifyClient(http, demo, StaticToken(tokens.access_token), MemoryBudget(10))
            assert (await client.get("/me"))["id"] == "alice"
    assert "DEMO MODE" in caplog.text


async def test_real_credentials_are_left_alone(settings: Settings) -> None:
    real = settings.model_copy(
        update={"spotify_client_id": "real-id", "spotify_client_secret": SecretStr("s")}
    )
    async with demo_spotify(real) as effective:
        assert effective is real


async def test_the_app_starts_in_demo_mode(
    settings: Settings, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="graphql_api.spotify.demo"):
        async with serve(create_app(settings)) as url:
            assert (await http.get(f"{url}/healthz")).status_code == 200
            assert "DEMO MODE" in caplog.text
            # Logging in sends the browser to the app's own emulator, which answers consent.
            login = await http.get(f"{url}/auth/spotify/login")
            assert login.status_code == 302
            authorize = login.headers["location"]
            assert urlsplit(authorize).hostname == "127.0.0.1"
            consent = await http.get(authorize + "&emulator_user=alice")
            assert consent.status_code == 302
            assert parse_qs(urlsplit(consent.headers["location"]).query)["code"]
