"""Production shape: the API enqueues into Redis, a real arq worker (burst) takes the snapshot."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.conftest import login
from tests.library.expected import expected_of
from tests.library.test_graphql import LIBRARY, SAVE
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import linked_user

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.redis


@pytest.fixture
def redis_settings(library_settings: Settings, redis_url: str) -> Settings:
    return library_settings.model_copy(update={"redis_url": redis_url})


@pytest.fixture
async def redis_resources(redis_settings: Settings) -> AsyncIterator[Resources]:
    async with open_app_resources(redis_settings) as built:
        yield built


def _environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        "database_url", "redis_url", "redis_prefix", "spotify_client_id", "spotify_accounts_url",
        "spotify_api_url", "spotify_redirect_uri", "spotify_requests_per_30s",
    ):  # fmt: skip
        env[f"MIXTAPE_{name.upper()}"] = str(getattr(settings, name))
    secret = settings.spotify_client_secret
    assert secret is not None
    env["MIXTAPE_SPOTIFY_CLIENT_SECRET"] = secret.get_secret_value()
    # The worker runs as in production: its now-playing poller (and, at hh:23, the release
    # ingest) write the catalog beside the snapshot job; every catalog writer locks rows in
    # one order, so none deadlocks the job (tests/library/test_catalog_concurrency.py).
    return env


async def test_arq_worker_takes_the_snapshot(
    redis_settings: Settings,
    redis_resources: Resources,
    library_emulator: EmulatorHandle,
    library_fixture: dict[str, Any],
) -> None:
    user_id = await linked_user(redis_resources, library_emulator, "alice")
    async with serve(create_app(redis_settings)) as url, httpx.AsyncClient(timeout=30) as http:
        client = GraphQLClient(url, http, await login(redis_resources, user_id))
        snapshot = (await client.query(SAVE))["saveLibrary"]
        assert snapshot["status"] == "QUEUED"
        worker = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "mixtape"), "worker", "--burst",
            cwd=ROOT, env=_environment(redis_settings),
        )  # fmt: skip
        assert await asyncio.wait_for(worker.wait(), timeout=90) == 0
        library = (await client.query(LIBRARY, {"first": 5}))["viewer"]["library"]
        state = await client.query(
            "query($id: ID!) { librarySnapshot(id: $id) { status error { code message } } }",
            {"id": snapshot["id"]},
        )
    assert state["librarySnapshot"]["status"] == "SUCCEEDED", state
    expected = expected_of(library_fixture["users"][0])
    assert library["id"] == snapshot["id"]
    assert library["savedTracks"]["totalCount"] == expected.saved_tracks
    assert library["savedAlbums"]["totalCount"] == expected.saved_albums
    assert library["followedArtists"]["totalCount"] == expected.followed_artists
    assert library["playlists"]["totalCount"] == expected.playlists
