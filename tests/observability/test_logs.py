"""Structured logs: JSON lines with request id, user, operation and job; never a secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from graphql_api.app import create_app
from graphql_api.auth.spotify_accounts import stored_tokens
from graphql_api.composition import open_app_resources
from graphql_api.db.models import SpotifyAccount
from graphql_api.observability.logs import Redactor, configure_logging
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.config import DEFAULT_CLIENT_SECRET
from spotify_emulator.testing import EmulatorHandle
from tests.auth.conftest import LOGIN, PASSWORD, REFRESH, REGISTER
from tests.auth.spotify_flow import consent, start_login
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import point_at_emulator

SECRET_KEY = "a-secret-key-the-logs-must-never-show-0123456789"
METRICS_TOKEN = "a-metrics-token-the-logs-must-never-show"
WRONG_PASSWORD = "a wrong password the logs must never show"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Everything the process logs during the test, at DEBUG, as `mixtape` would write it."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def test_a_full_run_of_flows_logs_json_lines_with_context_and_no_secret(
    settings: Settings,
    emulator: EmulatorHandle,
    http: httpx.AsyncClient,
    log_stream: io.StringIO,
) -> None:
    settings = point_at_emulator(
        settings,
        emulator,
        spotify_redirect_uri=None,
        secret_key=SecretStr(SECRET_KEY),
        metrics_token=SecretStr(METRICS_TOKEN),
        log_level="DEBUG",
        log_format="json",
        spotify_requests_per_30s=100_000,
    )
    configure_logging(settings, stream=log_stream)
    secrets = [SECRET_KEY, METRICS_TOKEN, DEFAULT_CLIENT_SECRET, PASSWORD, WRONG_PASSWORD]
    async with serve(create_app(settings)) as url:
        gql = GraphQLClient(url, http)
        # A local account: register, log in (with a request id of ours), fail once, refresh.
        ada = {"email": "ada@example.com", "password": PASSWORD}
        registered = (await gql.query(REGISTER, {**ada, "displayName": "Ada"}))["register"]
        response = await http.post(
            f"{url}/graphql",
            json={"query": LOGIN, "variables": ada},
            headers={"x-request-id": "req-login-1"},
        )
        assert response.headers["x-request-id"] == "req-login-1"
        logged_in = response.json()["data"]["login"]
        await gql.execute(LOGIN, {"email": "ada@example.com", "password": WRONG_PASSWORD})
        refreshed = await gql.query(REFRESH, {"token": logged_in["refreshToken"]})
        for session in (registered, logged_in, refreshed["refreshSession"]):
            secrets += [session["accessToken"], session["refreshToken"]]
        # A Spotify login (authorization code, client secret), then a library snapshot.
        started = await start_login(http, url)
        callback = await consent(http, started.headers["location"], "alice")
        secrets.append(httpx.URL(callback).params["code"])
        spotify_session = (await http.get(callback, follow_redirects=False)).json()
        secrets += [spotify_session["accessToken"], spotify_session["refreshToken"]]
        alice = gql.with_token(spotify_session["accessToken"])
        await save_and_wait(alice)
        # Spotify's access token expires: the next snapshot refreshes it.
        async with open_app_resources(settings) as resources:
            secrets += await spotify_tokens(resources)
            await emulator.expire_tokens("alice")
            await save_and_wait(alice)
            secrets += await spotify_tokens(resources)
        metrics = await http.get(
            f"{url}/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"}
        )
        assert metrics.status_code == 200

    lines = json_lines(log_stream)  # every line is one JSON object
    ours = [line for line in lines if not line["logger"].startswith("spotify_emulator")]
    text = "\n".join(json.dumps(line) for line in ours)
    leaked = [secret for secret in set(secrets) if secret in text]
    assert leaked == []
    login_lines = [line for line in ours if line.get("request_id") == "req-login-1"]
    assert any(line["logger"] == "mixtape.access" for line in login_lines)
    assert all(line.get("operation") == "login" for line in login_lines)
    alice_id = spotify_session["user"]["id"]
    assert any(line.get("user_id") is not None for line in ours), alice_id
    job_lines = [line for line in ours if line.get("job_id")]
    assert any("snapshot_library" in line["message"] for line in job_lines)


async def spotify_tokens(resources: Resources) -> list[str]:
    """The Spotify tokens Mixtape holds right now (decrypted)."""
    async with resources.sessionmaker() as session:
        accounts = (await session.scalars(select(SpotifyAccount))).all()
    found = []
    for account in accounts:
        tokens = stored_tokens(resources.settings, account)
        found += [tokens.access_token, *([tokens.refresh_token] if tokens.refresh_token else [])]
    return found


def test_the_redactor_blanks_known_secrets_bearer_tokens_and_codes_in_urls() -> None:
    redactor = Redactor(["s3cret-value-long"])
    text = redactor.redact(
        "key s3cret-value-long; Authorization: Bearer abc.def.ghi-123; "
        "GET /auth/spotify/callback?code=AQxyz123&state=s; refresh_token=r-456"
    )
    assert "s3cret-value-long" not in text
    assert "abc.def.ghi-123" not in text
    assert "AQxyz123" not in text
    assert "r-456" not in text
    assert "state=s" in text
