"""A running emulator per test, over real sockets, with a small generated library."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import EmulatorHandle, run_emulator

ALICE = "alice"  # premium, playing something
BRUNO = "bruno"  # free tier, nothing playing


@pytest.fixture
def fixture_data() -> dict[str, Any]:
    return generate_fixture(
        users=2,
        saved_tracks=45,
        saved_albums=6,
        playlists=3,
        playlist_items=80,
        followed_artists=12,
        new_releases=8,
        seed=7,
    )


@pytest.fixture
async def emulator(fixture_data: dict[str, Any]) -> AsyncIterator[EmulatorHandle]:
    async with run_emulator(fixture_data) as handle:
        yield handle


async def api_client(emulator: EmulatorHandle, user_id: str) -> httpx.AsyncClient:
    """An httpx client for the Web API, authorized as `user_id`."""
    tokens = await emulator.issue_tokens(user_id)
    return httpx.AsyncClient(
        base_url=emulator.api_url,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )


@pytest.fixture
async def alice(emulator: EmulatorHandle) -> AsyncIterator[httpx.AsyncClient]:
    async with await api_client(emulator, ALICE) as client:
        yield client


@pytest.fixture
async def bruno(emulator: EmulatorHandle) -> AsyncIterator[httpx.AsyncClient]:
    async with await api_client(emulator, BRUNO) as client:
        yield client
