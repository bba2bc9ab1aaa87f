"""Spotify fixtures for any test: a running emulator, settings pointing at it, linked users.

    async def test_x(spotify_resources, emulator):
        user_id = await linked_user(spotify_resources, emulator, "alice")
        client = spotify_resources.spotify.client_for(user_id)

Registered in ``tests/conftest.py`` (``from tests.support.spotify import *``-style imports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from graphql_api.auth.spotify_accounts import save_link
from graphql_api.composition import open_app_resources
from graphql_api.db.models import User
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from graphql_api.spotify.oauth import TokenSet
from spotify_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import EmulatorHandle, run_emulator

REDIRECT_URI = "http://127.0.0.1:8000/auth/spotify/callback"


def small_fixture(**overrides: Any) -> dict[str, Any]:
    """A quick generated fixture: alice (premium) and bruno (free tier)."""
    knobs: dict[str, Any] = {
        "users": 2,
        "saved_tracks": 30,
        "saved_albums": 5,
        "playlists": 3,
        "playlist_items": 20,
        "followed_artists": 10,
        "new_releases": 5,
    }
    return generate_fixture(**(knobs | overrides))


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorHandle]:
    """A Spotify emulator on a loopback port with a small generated library."""
    async with run_emulator(small_fixture()) as handle:
        yield handle


def point_at_emulator(settings: Settings, emulator: EmulatorHandle, **update: Any) -> Settings:
    """``settings`` talking to ``emulator`` with its default client id and secret."""
    return settings.model_copy(
        update={
            "spotify_client_id": DEFAULT_CLIENT_ID,
            "spotify_client_secret": _secret(DEFAULT_CLIENT_SECRET),
            "spotify_accounts_url": emulator.url,
            "spotify_api_url": emulator.api_url,
            "spotify_redirect_uri": REDIRECT_URI,
            # Tests must not wait long: retries back off from a few milliseconds.
            "spotify_retry_base_s": 0.01,
            "spotify_retry_cap_s": 0.1,
            **update,
        }
    )


def _secret(value: str) -> Any:
    from pydantic import SecretStr

    return SecretStr(value)


@pytest.fixture
def spotify_settings(settings: Settings, emulator: EmulatorHandle) -> Settings:
    """The test's settings (its database, each backend in turn) pointing at ``emulator``."""
    return point_at_emulator(settings, emulator)


@pytest.fixture
async def spotify_resources(spotify_settings: Settings) -> AsyncIterator[Resources]:
    """Resources built from ``spotify_settings``."""
    async with open_app_resources(spotify_settings) as built:
        yield built


def token_set(tokens: dict[str, Any]) -> TokenSet:
    """A ``TokenSet`` from a token endpoint answer (e.g. ``emulator.issue_tokens``)."""
    return TokenSet(
        access_token=tokens["access_token"],
        refresh_token=tokens.get("refresh_token"),
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=int(tokens["expires_in"])),
        scopes=tuple(str(tokens.get("scope", "")).split()),
    )


async def linked_user(resources: Resources, emulator: EmulatorHandle, spotify_user_id: str) -> int:
    """A new Mixtape user linked to the emulator's ``spotify_user_id``; returns its id."""
    tokens = await emulator.issue_tokens(spotify_user_id)
    response = await resources.http.get(
        f"{emulator.api_url}/me",
        headers={"authorization": f"Bearer {tokens['access_token']}"},
    )
    response.raise_for_status()
    profile = response.json()
    async with resources.sessionmaker() as session:
        user = User(display_name=profile.get("display_name") or spotify_user_id)
        session.add(user)
        await session.flush()
        await save_link(session, user.id, profile, token_set(tokens), settings=resources.settings)
        await session.commit()
        return user.id
