"""The adaptive limit on calls in flight (a snapshot's fetch concurrency)."""

from __future__ import annotations

import asyncio

import httpx

from graphql_api.settings import Settings
from graphql_api.spotify.budget import MemoryBudget
from graphql_api.spotify.client import SpotifyClient, StaticToken
from graphql_api.spotify.concurrency import AdaptiveLimit


async def _hold(limit: AdaptiveLimit, release: asyncio.Event) -> None:
    async with limit:
        await release.wait()


async def _in_flight_when_saturated(limit: AdaptiveLimit, callers: int) -> int:
    release = asyncio.Event()
    tasks = [asyncio.create_task(_hold(limit, release)) for _ in range(callers)]
    for _ in range(20):
        await asyncio.sleep(0)
    held = limit.in_flight
    release.set()
    await asyncio.gather(*tasks)
    return held


async def test_the_limit_holds_calls_in_flight_to_its_value() -> None:
    assert await _in_flight_when_saturated(AdaptiveLimit(4), 10) == 4


async def test_a_429_halves_the_limit_once_per_burst_down_to_the_floor() -> None:
    limit = AdaptiveLimit(8, floor=3, cooldown_s=3600)
    limit.throttled()
    limit.throttled()  # the same burst
    assert limit.limit == 4
    assert await _in_flight_when_saturated(limit, 10) == 4
    again = AdaptiveLimit(8, floor=3, cooldown_s=0)
    for _ in range(3):
        again.throttled()
    assert again.limit == 3


async def test_answers_grow_the_limit_back_one_slot_per_limit_answers_up_to_the_ceiling() -> None:
    limit = AdaptiveLimit(8, cooldown_s=0)
    limit.throttled()
    assert limit.limit == 4
    for _ in range(3):
        limit.answered()
    assert limit.limit == 4
    limit.answered()
    assert limit.limit == 5
    for _ in range(100):
        limit.answered()
    assert limit.limit == 8


async def test_a_cancelled_waiter_passes_its_wake_up_on() -> None:
    limit = AdaptiveLimit(1)
    release = asyncio.Event()
    holder = asyncio.create_task(_hold(limit, release))
    await asyncio.sleep(0)
    first, second = (asyncio.create_task(_hold(limit, asyncio.Event())) for _ in range(2))
    await asyncio.sleep(0)
    release.set()
    await holder
    first.cancel()  # woken, but cancelled before it ran
    await asyncio.sleep(0.01)
    assert limit.in_flight == 1  # the second caller got the slot
    second.cancel()
    await asyncio.gather(first, second, return_exceptions=True)


async def test_the_client_tells_its_observer_of_429s_and_answers() -> None:
    throttled = httpx.Response(429, headers={"Retry-After": "0"})
    answers = iter([throttled, httpx.Response(200, json={})])
    transport = httpx.MockTransport(lambda request: next(answers))
    limit = AdaptiveLimit(8, cooldown_s=3600)
    async with httpx.AsyncClient(transport=transport) as http:
        settings = Settings(spotify_api_url="https://api.example/v1")
        client = SpotifyClient(http, settings, StaticToken("t"), MemoryBudget(100), observer=limit)
        assert await client.get("me") == {}
    assert limit.limit == 4
    assert limit.lowest == 4
