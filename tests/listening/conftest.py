"""Fixtures for the listening tests: fast polling against the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from strawberry.relay import GlobalID

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import point_at_emulator
from tests.support.users import login, plain_user

__all__ = ["login", "plain_user"]  # imported from here by the listening tests

FAST_POLLING: dict[str, Any] = {
    "poll_enabled": True,
    "poll_playing_seconds": 0.2,
    "poll_paused_seconds": 0.3,
    "poll_idle_seconds": 0.3,
    "poll_min_seconds": 0.05,
    "poll_max_backoff_seconds": 2.0,
    "poll_tick_seconds": 0.05,
    "poll_lease_seconds": 10.0,
}


def track(n: int, duration_ms: int = 180_000) -> dict[str, Any]:
    """A Spotify track object the emulator can play."""
    return {
        "type": "track",
        "id": f"listeningtrack{n:08d}",
        "uri": f"spotify:track:listeningtrack{n:08d}",
        "name": f"Song {n}",
        "duration_ms": duration_ms,
        "explicit": False,
        "is_local": False,
        "artists": [
            {
                "type": "artist",
                "id": f"listeningartist{n:06d}",
                "uri": f"spotify:artist:listeningartist{n:06d}",
                "name": f"Artist {n}",
            }
        ],
        "album": {
            "type": "album",
            "id": f"listeningalbum{n:07d}",
            "uri": f"spotify:album:listeningalbum{n:07d}",
            "name": f"Album {n}",
            "images": [{"url": f"https://img.example/{n}.jpg", "width": 64, "height": 64}],
            "artists": [],
        },
    }


def playing(item: dict[str, Any], *, progress_ms: int = 1000, is_playing: bool = True) -> Any:
    """A currently-playing object for ``emulator.set_player``."""
    return {
        "item": item,
        "is_playing": is_playing,
        "progress_ms": progress_ms,
        "currently_playing_type": "track",
        "context": None,
    }


@pytest.fixture
def settings(database_url: str, redis_prefix: str, emulator: EmulatorHandle) -> Settings:
    """Here every app and resource talks to the emulator, with polling on and fast."""
    base = Settings(database_url=database_url, redis_url=None, redis_prefix=redis_prefix)
    return point_at_emulator(base, emulator, **FAST_POLLING)


@pytest.fixture
def listening_settings(settings: Settings) -> Settings:
    return settings


@pytest.fixture
async def listening_resources(listening_settings: Settings) -> AsyncIterator[Resources]:
    async with open_app_resources(listening_settings) as built:
        yield built


def global_id(user_id: int) -> str:
    return str(GlobalID("User", str(user_id)))


@pytest.fixture
async def listening_app(listening_settings: Settings) -> AsyncIterator[str]:
    """A real app on the embedded default: it runs the poller loop itself."""
    async with serve(create_app(listening_settings)) as url:
        yield url


@pytest.fixture
def client(listening_app: str, http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(listening_app, http)
