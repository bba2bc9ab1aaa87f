"""Token manager against the emulator: expiry, rotation, omission, revocation, one refresh."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

import pytest

from graphql_api.auth.spotify_accounts import load_link, stored_tokens
from graphql_api.composition import open_app_resources
from graphql_api.errors import SpotifyRelinkRequired
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.support.spotify import linked_user


@dataclass(frozen=True)
class Stored:
    """A user's Spotify tokens as stored in the database."""

    access: str
    refresh: str | None
    expires_at: dt.datetime
    needs_relink: bool


async def _stored(resources: Resources, user_id: int) -> Stored:
    async with resources.sessionmaker() as session:
        account = await load_link(session, user_id)
        assert account is not None
        tokens = stored_tokens(resources.settings, account)
        return Stored(
            tokens.access_token, tokens.refresh_token, tokens.expires_at, account.needs_relink
        )


async def _refresh_grants(emulator: EmulatorHandle) -> int:
    """How many refresh-token grants the accounts service answered since the last reset."""
    return int((await emulator.stats())["token_grants"].get("refresh_token", 0))


async def test_valid_token_is_not_refreshed(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(spotify_resources, emulator, "alice")
    before = await _stored(spotify_resources, user_id)
    client = spotify_resources.spotify.client_for(user_id)
    await emulator.reset_stats()
    for _ in range(3):
        assert (await client.get("/me"))["id"] == "alice"
    assert await _refresh_grants(emulator) == 0
    assert await _stored(spotify_resources, user_id) == before


async def test_token_expiring_mid_run_is_refreshed_and_rotated(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(spotify_resources, emulator, "alice")
    client = spotify_resources.spotify.client_for(user_id)
    first = await _stored(spotify_resources, user_id)
    await emulator.reset_stats()
    assert (await client.get("/me"))["id"] == "alice"
    await emulator.expire_tokens("alice")  # the stored expiry still says "valid": a 401 tells
    assert (await client.get("/me"))["id"] == "alice"
    second = await _stored(spotify_resources, user_id)
    assert second.access != first.access
    assert second.refresh not in (None, first.refresh)  # the emulator rotates refresh tokens
    assert not second.needs_relink
    stats = await emulator.stats()
    assert stats["token_grants"].get("refresh_token") == 1
    assert stats["statuses"].get("401") == 1  # refreshed after Spotify's answer, once
    # The rotated token works for the next expiry too, and is rotated again.
    await emulator.expire_tokens("alice")
    assert (await client.get("/me"))["id"] == "alice"
    third = await _stored(spotify_resources, user_id)
    assert third.access not in (first.access, second.access)
    assert third.refresh not in (None, first.refresh, second.refresh)
    assert await _refresh_grants(emulator) == 2


async def test_omitted_refresh_token_keeps_the_old_one(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    await emulator.configure(omit_refresh_token=True)
    user_id = await linked_user(spotify_resources, emulator, "alice")
    first = await _stored(spotify_resources, user_id)
    assert first.refresh is not None  # the code grant still hands one out
    client = spotify_resources.spotify.client_for(user_id)
    await emulator.reset_stats()
    await emulator.expire_tokens("alice")
    assert (await client.get("/me"))["id"] == "alice"
    second = await _stored(spotify_resources, user_id)
    assert second.access != first.access  # a refresh really happened...
    assert second.refresh == first.refresh  # ...and the refresh token was kept
    assert await _refresh_grants(emulator) == 1
    # The kept refresh token still works.
    await emulator.expire_tokens("alice")
    assert (await client.get("/me"))["id"] == "alice"
    third = await _stored(spotify_resources, user_id)
    assert third.access not in (first.access, second.access)
    assert third.refresh == first.refresh
    assert await _refresh_grants(emulator) == 2


async def test_expired_by_clock_refreshes_before_calling(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    await emulator.configure(token_ttl=30)  # inside the 60 s refresh margin
    user_id = await linked_user(spotify_resources, emulator, "alice")
    before = await _stored(spotify_resources, user_id)
    client = spotify_resources.spotify.client_for(user_id)
    await emulator.reset_stats()
    await emulator.configure(token_ttl=3600)
    assert (await client.get("/me"))["id"] == "alice"
    stats = await emulator.stats()
    assert stats["token_grants"]["refresh_token"] == 1
    assert stats["statuses"].get("401", 0) == 0  # refreshed before, not after, a failure
    after = await _stored(spotify_resources, user_id)
    assert after.access != before.access
    assert after.expires_at - before.expires_at > dt.timedelta(minutes=30)  # the new TTL


async def test_revoked_link_needs_relink(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(spotify_resources, emulator, "alice")
    client = spotify_resources.spotify.client_for(user_id)
    await emulator.revoke("alice")
    with pytest.raises(SpotifyRelinkRequired):
        await client.get("/me")
    assert (await _stored(spotify_resources, user_id)).needs_relink
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
    before = await _stored(spotify_resources, user_id)
    await emulator.expire_tokens("alice")
    await emulator.reset_stats()
    results = await asyncio.gather(*(client.get("/me") for _ in range(10)))
    assert [r["id"] for r in results] == ["alice"] * 10
    assert await _refresh_grants(emulator) == 1
    assert spotify_resources.spotify.tokens.refreshes == 1
    assert (await _stored(spotify_resources, user_id)).access != before.access


@pytest.mark.redis
async def test_two_processes_refresh_once(
    spotify_settings: Settings, emulator: EmulatorHandle, redis_url: str
) -> None:
    settings = spotify_settings.model_copy(update={"redis_url": redis_url})
    async with open_app_resources(settings) as one, open_app_resources(settings) as two:
        user_id = await linked_user(one, emulator, "alice")
        clients = [one.spotify.client_for(user_id), two.spotify.client_for(user_id)]
        await asyncio.gather(*(c.get("/me") for c in clients))
        before = await _stored(one, user_id)
        await emulator.expire_tokens("alice")
        await emulator.reset_stats()
        results = await asyncio.gather(*(clients[i % 2].get("/me") for i in range(10)))
        assert [r["id"] for r in results] == ["alice"] * 10
        assert await _refresh_grants(emulator) == 1
        assert one.spotify.tokens.refreshes + two.spotify.tokens.refreshes == 1
        assert (await _stored(two, user_id)).access != before.access
