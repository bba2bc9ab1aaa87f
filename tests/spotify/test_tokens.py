"""Token manager against the emulator: expiry, rotation, omission, revocation, one refresh."""

from __future__ import annotations

import asyncio

import pytest

from graphql_api.auth.spotify_links import load_link, stored_tokens
from graphql_api.composition import open_app_resources
from graphql_api.errors import SpotifyRelinkRequired
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.support.spotify import linked_user


async def _stored(resources: Resources, user_id: int) -> tuple[str, str | None, bool]:
    async with resources.sessionmaker() as session:
        account = await load_link(session, user_id)
        assert account is not None
        tokens = stored_tokens(resources.settings, account)
        return tokens.access_token, tokens.refresh_token, account.needs_relink


async def test_valid_token_is_not_refreshed(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(spotify_resources, emulator, "alice")
    client = spotify_resources.spotify.client_for(user_id)
    for _ in range(3):
        assert (await client.get("/me"))["id"] == "alice"
    stats = await emulator.stats()
    assert stats["token_grants"].get("refresh_token", 0) == 0


async def test_token_expiring_mid_run_is_refreshed_and_rotated(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(spotify_resources, emulator, "alice")
    client = spotify_resources.spotify.client_for(user_id)
    access, refresh, _ = await _stored(spotify_resources, user_id)
    assert (await client.get("/me"))["id"] == "alice"
    await emulator.expire_tokens("alice")  # the stored expiry still says "valid": a 401 tells
    assert (await client.get("/me"))["id"] == "alice"
    new_access, new_refresh, relink = await _stored(spotify_resources, user_id)
    assert (new_access, relink) != (access, True)
    assert new_refresh != refresh  # the emulator rotates refresh tokens by default
    # The rotated token works for the next expiry too.
    await emulator.expire_tokens("alice")
    assert (await client.get("/me"))["id"] == "alice"
    assert (await emulator.stats())["token_grants"]["refresh_token"] == 2


async def test_omitted_refresh_token_keeps_the_old_one(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    await emulator.configure(omit_refresh_token=True)
    user_id = await linked_user(spotify_resources, emulator, "alice")
    _, refresh, _ = await _stored(spotify_resources, user_id)
    client = spotify_resources.spotify.client_for(user_id)
    await emulator.expire_tokens("alice")
    assert (await client.get("/me"))["id"] == "alice"
    _, kept, _ = await _stored(spotify_resources, user_id)
    assert kept == refresh
    await emulator.expire_tokens("alice")
    assert (await client.get("/me"))["id"] == "alice"


async def test_expired_by_clock_refreshes_before_calling(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    await emulator.configure(token_ttl=30)  # inside the 60 s refresh margin
    user_id = await linked_user(spotify_resources, emulator, "alice")
    client = spotify_resources.spotify.client_for(user_id)
    await emulator.reset_stats()
    await emulator.configure(token_ttl=3600)
    assert (await client.get("/me"))["id"] == "alice"
    stats = await emulator.stats()
    assert stats["token_grants"]["refresh_token"] == 1
    assert stats["statuses"].get("401", 0) == 0  # refreshed before, not after, a failure


async def test_revoked_link_needs_relink(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(spotify_resources, emulator, "alice")
    client = spotify_resources.spotify.client_for(user_id)
    await emulator.revoke("alice")
    with pytest.raises(SpotifyRelinkRequired):
        await client.get("/me")
    *_, relink = await _stored(spotify_resources, user_id)
    assert relink
    # Marked once: later calls fail fast without asking Spotify again.
    await emulator.reset_stats()
    with pytest.raises(SpotifyRelinkRequired):
        await client.get("/me")
    assert (await emulator.stats())["requests_total"] == 0


async def test_ten_concurrent_calls_with_expired_token_refresh_once(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(spotify_resources, emulator, "alice")
    client = spotify_resources.spotify.client_for(user_id)
    await client.get("/me")  # warm the cached token, then let it die
    await emulator.expire_tokens("alice")
    await emulator.reset_stats()
    results = await asyncio.gather(*(client.get("/me") for _ in range(10)))
    assert {r["id"] for r in results} == {"alice"}
    assert (await emulator.stats())["token_grants"]["refresh_token"] == 1
    assert spotify_resources.spotify.tokens.refreshes == 1


@pytest.mark.redis
async def test_two_processes_refresh_once(
    spotify_settings: Settings, emulator: EmulatorHandle, redis_url: str
) -> None:
    settings = spotify_settings.model_copy(update={"redis_url": redis_url})
    async with open_app_resources(settings) as one, open_app_resources(settings) as two:
        user_id = await linked_user(one, emulator, "alice")
        clients = [one.spotify.client_for(user_id), two.spotify.client_for(user_id)]
        await asyncio.gather(*(c.get("/me") for c in clients))
        await emulator.expire_tokens("alice")
        await emulator.reset_stats()
        results = await asyncio.gather(*(clients[i % 2].get("/me") for i in range(10)))
        assert {r["id"] for r in results} == {"alice"}
        assert (await emulator.stats())["token_grants"]["refresh_token"] == 1
