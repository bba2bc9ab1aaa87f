"""Library test fixtures: an emulator serving a known generated library, resources on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.db.models import LibrarySnapshot, SnapshotStatus, User
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle, run_emulator
from tests.support import databases
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import linked_user, point_at_emulator, small_fixture
from tests.support.users import login

__all__ = ["login"]  # imported from here by the library's tests


@pytest.fixture
def library_fixture() -> dict[str, Any]:
    """A generated library full of quirks (local files, null items, episodes, duplicates)."""
    return small_fixture(saved_tracks=120, playlists=5, playlist_items=150, followed_artists=60)


@pytest.fixture
async def library_emulator(library_fixture: dict[str, Any]) -> AsyncIterator[EmulatorHandle]:
    async with run_emulator(library_fixture) as handle:
        yield handle


@pytest.fixture
def library_settings(settings: Settings, library_emulator: EmulatorHandle) -> Settings:
    # These tests read whole (small) libraries in one query, some nested pages deep; the
    # gate's cost limit has tests of its own (tests/schema/test_limits.py).
    return point_at_emulator(
        settings, library_emulator, spotify_requests_per_30s=100_000, graphql_max_cost=10**8
    )


@pytest.fixture
async def library_resources(library_settings: Settings) -> AsyncIterator[Resources]:
    async with open_app_resources(library_settings) as built:
        yield built


@pytest.fixture
async def library_app(library_settings: Settings) -> AsyncIterator[str]:
    """A real app on the library settings (in-process jobs on the embedded default)."""
    async with serve(create_app(library_settings)) as url:
        yield url


@pytest.fixture
async def other_database_url(
    request: pytest.FixtureRequest, settings: Settings, tmp_path: Path
) -> AsyncIterator[str]:
    """A second fresh database on the same backend as the test's own."""
    if settings.is_sqlite:
        yield databases.clone_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
        return
    name = await databases.clone_postgres(request.getfixturevalue("postgres_template"))
    try:
        yield databases.postgres_url(name)
    finally:
        await databases.drop_postgres(name)


async def running_snapshot(resources: Resources, **values: Any) -> LibrarySnapshot:
    """A RUNNING snapshot (first attempt) of a new user without Spotify; ``values`` override."""
    async with resources.sessionmaker() as session:
        user = User(display_name="runner")
        session.add(user)
        await session.flush()
        fields = {"status": SnapshotStatus.RUNNING, "attempts": 1, **values}
        snapshot = LibrarySnapshot(user_id=user.id, version=1, **fields)
        session.add(snapshot)
        await session.commit()
    return snapshot


@pytest.fixture
async def alice(
    library_resources: Resources, library_emulator: EmulatorHandle, library_app: str, http: Any
) -> GraphQLClient:
    """A GraphQL client logged in as alice, whose Spotify account is linked."""
    user_id = await linked_user(library_resources, library_emulator, "alice")
    return GraphQLClient(library_app, http, await login(library_resources, user_id))
