"""SpotifyClient against the emulator: 429 storms, 5xx bursts, typed errors, no blind retries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from graphql_api.resources import Resources
from graphql_api.spotify import spotify_for
from graphql_api.spotify.client import SpotifyClient
from graphql_api.spotify.errors import (
    NoActiveDevice,
    PremiumRequired,
    RateLimited,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyUnavailable,
)
from spotify_emulator.testing import EmulatorHandle
from tests.support.spotify import linked_user

# Requests already on the wire when a 429 came back may still arrive just after it.
IN_FLIGHT_GRACE_S = 0.1


async def _client(resources: Resources, emulator: EmulatorHandle, user: str) -> SpotifyClient:
    return spotify_for(resources, await linked_user(resources, emulator, user))


async def _gather_bounded(n: int, limit: int, call: Any) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one() -> Any:
        async with gate:
            return await call()

    return await asyncio.gather(*(one() for _ in range(n)))


async def test_429_storm_is_obeyed(spotify_resources: Resources, emulator: EmulatorHandle) -> None:
    client = await _client(spotify_resources, emulator, "alice")
    await emulator.configure(rate_limit=3, rate_window_s=1.0)
    await emulator.reset_stats()
    results = await _gather_bounded(12, 4, lambda: client.get("/me"))
    assert [r["id"] for r in results] == ["alice"] * 12
    log = (await emulator.stats())["requests"]
    limited = [r["t"] for r in log if r["status"] == 429]
    assert limited, "the storm never happened: the test would prove nothing"
    # Every Retry-After here is 1 s (window 1 s, rounded up to whole seconds).
    for t in limited:
        inside = [r for r in log if t + IN_FLIGHT_GRACE_S < r["t"] < t + 1.0]
        assert inside == [], f"{len(inside)} calls inside a Retry-After window"


async def test_long_retry_after_raises_instead_of_sleeping(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    client = await _client(spotify_resources, emulator, "alice")
    await emulator.configure(rate_limit=1, rate_window_s=600.0)
    await client.get("/me")
    with pytest.raises(RateLimited) as caught:
        await client.get("/me")
    assert caught.value.retry_after > spotify_resources.settings.spotify_max_retry_after
    assert caught.value.extensions["retryAfterSeconds"] > 30


async def test_5xx_bursts_and_dropped_connections_are_recovered(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    client = await _client(spotify_resources, emulator, "alice")
    await emulator.configure(fault_rate=0.4, fault_seed=7, fault_slow_s=0.01)
    results = await _gather_bounded(20, 4, lambda: client.get("/me"))
    assert [r["id"] for r in results] == ["alice"] * 20
    faults = (await emulator.stats())["faults"]
    assert sum(v for k, v in faults.items() if k != "slow") > 0


async def test_non_idempotent_calls_are_not_retried_blindly(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    client = await _client(spotify_resources, emulator, "alice")
    await emulator.configure(fault_rate=1.0, fault_seed=3, fault_slow_s=0.01)
    await emulator.reset_stats()
    failures = 0
    for _ in range(8):
        try:
            await client.post("/me/player/next")
        except (SpotifyUnavailable, NoActiveDevice):
            failures += 1
    stats = await emulator.stats()
    assert stats["endpoints"]["POST /v1/me/player/next"] == 8  # one attempt each
    assert failures > 0


async def test_typed_errors(spotify_resources: Resources, emulator: EmulatorHandle) -> None:
    alice = await _client(spotify_resources, emulator, "alice")
    bruno = await _client(spotify_resources, emulator, "bruno")
    with pytest.raises(PremiumRequired):
        await bruno.post("/me/player/next")
    await emulator.set_player("alice", None)
    with pytest.raises(NoActiveDevice):
        await alice.post("/me/player/next")
    with pytest.raises(SpotifyNotFound):
        await alice.get("/playlists/NoSuchPlaylist0000000")
    await emulator.configure(dev_mode=True)
    with pytest.raises(SpotifyForbidden):
        await alice.get("/browse/new-releases")


async def test_only_spotify_urls_get_the_token(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    client = await _client(spotify_resources, emulator, "alice")
    with pytest.raises(ValueError, match="not a Spotify API URL"):
        await client.get("http://127.0.0.1:9/steal")


async def test_after_a_long_retry_after_other_calls_fail_fast_too(
    spotify_resources: Resources, emulator: EmulatorHandle
) -> None:
    alice = await _client(spotify_resources, emulator, "alice")
    bruno = await _client(spotify_resources, emulator, "bruno")
    await emulator.configure(rate_limit=1, rate_window_s=600.0)
    await alice.get("/me")
    with pytest.raises(RateLimited):
        await alice.get("/me")
    await emulator.reset_stats()
    # The limit is per app: another user's call does not even reach Spotify.
    with pytest.raises(RateLimited):
        await bruno.get("/me")
    assert (await emulator.stats())["requests_total"] == 0
