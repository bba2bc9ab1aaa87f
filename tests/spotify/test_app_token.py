"""The app token (client-credentials grant): fetched once, reused, shared, refetched once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from graphql_api.composition import open_app_resources
from graphql_api.errors import MixtapeError
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.support.spotify import point_at_emulator

# App tokens touch no database: these tests need none of their own.
pytestmark = pytest.mark.usefixtures("emulator")


def app_settings(tmp_path: Path, emulator: EmulatorHandle, **update: Any) -> Settings:
    base = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}", poll_enabled=False
    )
    return point_at_emulator(base, emulator, **update)


@pytest.fixture
async def app_resources(tmp_path: Path, emulator: EmulatorHandle) -> AsyncIterator[Resources]:
    async with open_app_resources(app_settings(tmp_path, emulator)) as built:
        yield built


async def app_grants(emulator: EmulatorHandle) -> int:
    return int((await emulator.stats())["token_grants"].get("client_credentials", 0))


async def new_releases(resources: Resources) -> Any:
    return await resources.spotify.app_client().get("/browse/new-releases", {"limit": 1})


async def test_ten_concurrent_calls_fetch_one_app_token(
    app_resources: Resources, emulator: EmulatorHandle
) -> None:
    await asyncio.gather(*(new_releases(app_resources) for _ in range(10)))
    assert await app_grants(emulator) == 1


async def test_app_token_is_reused_by_later_calls(
    app_resources: Resources, emulator: EmulatorHandle
) -> None:
    for _ in range(3):
        await new_releases(app_resources)
    assert await app_grants(emulator) == 1


async def test_app_token_within_the_refresh_margin_of_its_expiry_is_fetched_again(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    # Tokens live 3600 s; a margin as long makes every cached token "about to expire".
    settings = app_settings(tmp_path, emulator, spotify_refresh_margin_s=3600)
    async with open_app_resources(settings) as resources:
        await new_releases(resources)
        await new_releases(resources)
    assert await app_grants(emulator) == 2


async def test_expired_app_token_answered_401_is_fetched_again_once(
    app_resources: Resources, emulator: EmulatorHandle
) -> None:
    await new_releases(app_resources)
    await emulator.expire_tokens()
    await asyncio.gather(*(new_releases(app_resources) for _ in range(5)))
    assert await app_grants(emulator) == 2


async def test_app_token_spotify_keeps_rejecting_is_fetched_again_only_once(
    app_resources: Resources, emulator: EmulatorHandle
) -> None:
    await emulator.configure(reject_access_tokens=True)
    with pytest.raises(MixtapeError):
        await new_releases(app_resources)
    assert await app_grants(emulator) == 2


async def test_app_token_without_a_client_secret_is_not_configured(
    tmp_path: Path, emulator: EmulatorHandle
) -> None:
    settings = app_settings(tmp_path, emulator, spotify_client_secret=None)
    async with open_app_resources(settings) as resources:
        with pytest.raises(MixtapeError) as raised:
            await new_releases(resources)
    assert raised.value.code == "SPOTIFY_NOT_CONFIGURED"
    assert await app_grants(emulator) == 0


@pytest.mark.redis
async def test_processes_sharing_redis_fetch_one_app_token(
    tmp_path: Path, emulator: EmulatorHandle, redis_url: str, redis_prefix: str
) -> None:
    settings = app_settings(tmp_path, emulator, redis_url=redis_url, redis_prefix=redis_prefix)
    async with open_app_resources(settings) as one, open_app_resources(settings) as two:
        await asyncio.gather(*(new_releases(r) for r in (one, two) for _ in range(5)))
        assert one.spotify.app_tokens.fetches + two.spotify.app_tokens.fetches == 1
    assert await app_grants(emulator) == 1
