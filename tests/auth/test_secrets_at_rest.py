"""Spotify tokens never appear in plaintext: not in any database row, not in the logs."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select, text

from graphql_api.app import create_app
from graphql_api.auth.spotify_accounts import stored_tokens
from graphql_api.db.base import Base
from graphql_api.db.models import SpotifyAccount, SpotifyLinkCode
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from graphql_api.spotify.credentials import decrypt_token
from spotify_emulator.testing import EmulatorHandle
from tests.auth.conftest import register
from tests.auth.spotify_flow import consent, login_with_spotify
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import point_at_emulator


@pytest.fixture
async def spotify_app(settings: Settings, emulator: EmulatorHandle) -> AsyncIterator[str]:
    app_settings = point_at_emulator(settings, emulator, spotify_redirect_uri=None)
    async with serve(create_app(app_settings)) as url:
        yield url


async def _plaintext_tokens(resources: Resources) -> list[str]:
    async with resources.sessionmaker() as session:
        account = await session.scalar(select(SpotifyAccount))
    assert account is not None
    tokens = stored_tokens(resources.settings, account)
    assert tokens.refresh_token is not None
    assert len(tokens.access_token) > 10
    return [tokens.access_token, tokens.refresh_token]


async def _every_row(resources: Resources) -> str:
    """Every value of every table, as one string (bytes decoded leniently)."""
    parts: list[str] = []
    async with resources.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = await connection.execute(text(f'SELECT * FROM "{table.name}"'))  # noqa: S608
            for row in rows:
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("latin-1")
                    parts.append(str(value))
    return "\n".join(parts)


async def test_no_plaintext_token_in_the_database(
    http: httpx.AsyncClient, spotify_app: str, resources: Resources
) -> None:
    assert (await login_with_spotify(http, spotify_app, "alice")).status_code == 200
    secrets = await _plaintext_tokens(resources)
    dump = await _every_row(resources)
    assert "alice" in dump  # the dump does read the link row
    for secret in secrets:
        assert secret not in dump


async def test_no_token_in_the_logs(
    http: httpx.AsyncClient,
    spotify_app: str,
    resources: Resources,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert (await login_with_spotify(http, spotify_app, "alice")).status_code == 200
    # A refused callback logs too; it must not leak either.
    await http.get(f"{spotify_app}/auth/spotify/callback?state=forged&code=x")
    secrets = await _plaintext_tokens(resources)
    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r} {record.exc_text or ''}"
        for record in caplog.records
    )
    assert caplog.records  # the login did log (uvicorn, httpx, sqlalchemy...)
    for secret in secrets:
        assert secret not in logged


async def test_a_held_link_keeps_neither_its_code_nor_its_tokens_in_plaintext(
    http: httpx.AsyncClient, spotify_app: str, resources: Resources
) -> None:
    gql = GraphQLClient(spotify_app, http)
    me = gql.with_token((await register(gql))["accessToken"])
    url = (await me.query("mutation { linkSpotify }"))["linkSpotify"]
    held = await http.get(await consent(http, url, "alice"))
    link_code = held.json()["linkCode"]
    async with resources.sessionmaker() as session:
        blob = await session.scalar(select(SpotifyLinkCode.identity_encrypted))
    assert blob is not None
    identity = json.loads(decrypt_token(resources.settings, blob))
    secrets = [identity["access_token"], identity["refresh_token"], link_code]
    dump = await _every_row(resources)
    assert "ada@example.com" in dump  # the dump does read the rows
    for secret in secrets:
        assert secret not in dump
