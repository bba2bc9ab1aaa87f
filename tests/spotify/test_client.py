"""SpotifyClient against the emulator: 429 storms, 5xx bursts, typed errors, no blind retries."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

from graphql_api.resources import Resources
from graphql_api.settings import Settings
from graphql_api.spotify.budget import MemoryBudget
from graphql_api.spotify.client import SpotifyClient, StaticToken
from graphql_api.spotify.errors import (
    NoActiveDevice,
    PremiumRequired,
    RateLimited,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyUnavailable,
)
from spotify_emulator.server import serve_in_background
from spotify_emulator.testing import EmulatorHandle
from tests.support.spotify import linked_user

# Calls in flight at once in the storm: when Spotify answers one of them 429, at most the
# others were already sent, and only they may still arrive inside its Retry-After window.
STORM_CONCURRENCY = 4


async def _client(resources: Resources, emulator: EmulatorHandle, user: str) -> SpotifyClient:
    return resources.spotify.client_for(await linked_user(resources, emulator, user))


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
    results = await _gather_bounded(12, STORM_CONCURRENCY, lambda: client.get("/me"))
    assert [r["id"] for r in results] == ["alice"] * 12
    log = (await emulator.stats())["requests"]
    limited = [r["t"] for r in log if r["status"] == 429]
    assert limited, "the storm never happened: the test would prove nothing"
    # Every Retry-After here is 1 s (window 1 s, rounded up to whole seconds). Counting
    # calls rather than allowing a grace time keeps this true however slow the machine:
    # a client that retried at once would put many more calls inside the window.
    for t in limited:
        inside = [r for r in log if t < r["t"] < t + 1.0]
        assert len(inside) < STORM_CONCURRENCY, f"{len(inside)} calls inside a Retry-After window"


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
    host = emulator.api_url.removeprefix("http://").partition("/")[0]
    foreign = [
        "http://127.0.0.1:9/v1/me",  # same host, another port
        f"https://{host}/v1/me",  # another scheme
        f"http://{host}@evil.example/v1/me",  # the API's address as userinfo
        f"http://{host}/steal",  # outside the API root
    ]
    await emulator.reset_stats()
    for url in foreign:
        with pytest.raises(ValueError, match="not a Spotify API URL"):
            await client.get(url)
    assert (await emulator.stats())["requests_total"] == 0
    # Spotify's own next links (absolute, under the root) are followed.
    assert (await client.get(f"{emulator.api_url}/me"))["id"] == "alice"


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


async def test_a_body_that_is_not_json_is_an_error(
    spotify_settings: Settings, http: httpx.AsyncClient
) -> None:
    # A proxy's HTML page read as "no content" would pass for "nothing is playing".
    async def html(scope: Scope, receive: Receive, send: Send) -> None:
        await HTMLResponse("<html>gateway says hi</html>")(scope, receive, send)

    server = await serve_in_background(html)
    try:
        settings = spotify_settings.model_copy(update={"spotify_api_url": server.url + "/v1"})
        client = SpotifyClient(http, settings, StaticToken("t"), MemoryBudget(10))
        with pytest.raises(SpotifyUnavailable, match="not JSON"):
            await client.get("/me/player/currently-playing")
    finally:
        await server.stop()
