"""Library test fixtures: an emulator serving a known generated library, resources on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from graphql_api.resources import Resources, open_resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle, run_emulator
from tests.support.spotify import point_at_emulator, small_fixture


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
    return point_at_emulator(settings, library_emulator, spotify_requests_per_30s=100_000)


@pytest.fixture
async def library_resources(library_settings: Settings) -> AsyncIterator[Resources]:
    async with open_resources(library_settings) as built:
        yield built
