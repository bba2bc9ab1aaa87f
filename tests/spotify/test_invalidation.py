"""A relink reaches every process: none keeps calling Spotify as the old account."""

from __future__ import annotations

import asyncio

import pytest

from graphql_api.auth.spotify_accounts import save_link
from graphql_api.composition import api_services, open_app_resources, worker_services
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from graphql_api.spotify.client import StaticToken
from spotify_emulator.testing import EmulatorHandle
from tests.support.spotify import linked_user, token_set


async def _relink(resources: Resources, emulator: EmulatorHandle, user_id: int, to: str) -> None:
    """Link ``user_id`` to the emulator's ``to`` instead, as a login callback would."""
    tokens = await emulator.issue_tokens(to)
    profile = await resources.spotify.client_with(StaticToken(tokens["access_token"])).get("/me")
    async with resources.sessionmaker() as session:
        await save_link(session, user_id, profile, token_set(tokens), settings=resources.settings)
        await session.commit()
    await resources.spotify.link_changed(user_id)


async def _forgotten(resources: Resources, user_id: int) -> None:
    """Wait (at most 5 s, far below the cache's own 60 s bound) until the cache drops it."""
    for _ in range(500):
        if user_id not in resources.spotify.tokens._cache:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the cached token was never dropped")


@pytest.mark.redis
async def test_relink_in_one_process_makes_the_worker_call_spotify_as_the_new_account(
    spotify_settings: Settings, emulator: EmulatorHandle, redis_url: str
) -> None:
    settings = spotify_settings.model_copy(update={"redis_url": redis_url, "poll_enabled": False})
    async with (
        open_app_resources(settings) as api,
        open_app_resources(settings) as worker,
        api_services(api),
        worker_services(worker),
    ):
        user_id = await linked_user(api, emulator, "alice")
        assert (await worker.spotify.client_for(user_id).get("/me"))["id"] == "alice"
        assert user_id in worker.spotify.tokens._cache

        await _relink(api, emulator, user_id, "bruno")
        await _forgotten(worker, user_id)

        assert (await worker.spotify.client_for(user_id).get("/me"))["id"] == "bruno"
        assert (await api.spotify.client_for(user_id).get("/me"))["id"] == "bruno"


async def test_relink_drops_the_cached_token_of_the_same_process(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    async with api_services(spotify_resources):
        user_id = await linked_user(spotify_resources, emulator, "alice")
        client = spotify_resources.spotify.client_for(user_id)
        assert (await client.get("/me"))["id"] == "alice"

        await _relink(spotify_resources, emulator, user_id, "bruno")

        assert (await client.get("/me"))["id"] == "bruno"
