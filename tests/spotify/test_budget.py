"""The app-wide request budget, in memory and shared through Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from graphql_api.errors import RateLimited
from graphql_api.spotify.budget import (
    Aimd,
    MemoryBudget,
    Priority,
    RequestBudget,
    bulk_cap,
)
from graphql_api.spotify.redis_budget import RedisBudget

# Long enough that no slot can free up while a test looks (slow machines included).
WINDOW_S = 30.0
LOOK_S = 0.3


@pytest.fixture
async def two_processes(redis_url: str) -> AsyncIterator[tuple[Redis, Redis]]:
    """Two Redis connections, standing for two Mixtape processes."""
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    try:
        yield first, second
    finally:
        await first.aclose()
        await second.aclose()


async def _blocked(budget: RequestBudget) -> bool:
    try:
        await asyncio.wait_for(budget.acquire(), LOOK_S)
    except TimeoutError:
        return True
    return False


async def test_memory_budget_holds_the_limit() -> None:
    budget = MemoryBudget(limit=4, window_s=WINDOW_S)
    for _ in range(4):
        await budget.acquire()
    assert await budget.usage() == 1.0
    assert await _blocked(budget)


async def test_memory_budget_frees_slots_as_the_window_rolls() -> None:
    budget = MemoryBudget(limit=2, window_s=0.05)
    for _ in range(6):  # would hang forever if slots never freed
        await asyncio.wait_for(budget.acquire(), 5)


async def test_memory_pause_holds_everyone() -> None:
    budget = MemoryBudget(limit=100, window_s=WINDOW_S)
    await budget.pause(WINDOW_S)
    assert await _blocked(budget)


@pytest.mark.redis
async def test_redis_budget_is_shared_between_processes(
    two_processes: tuple[Redis, Redis], redis_prefix: str
) -> None:
    first, second = two_processes
    one = RedisBudget(first, redis_prefix, limit=5, window_s=WINDOW_S)
    two = RedisBudget(second, redis_prefix, limit=5, window_s=WINDOW_S)
    for budget in (one, two, one, two, one):
        await budget.acquire()
    assert await two.usage() == 1.0
    assert await _blocked(one)
    assert await _blocked(two)


@pytest.mark.redis
async def test_redis_pause_holds_every_process(
    two_processes: tuple[Redis, Redis], redis_prefix: str
) -> None:
    first, second = two_processes
    one = RedisBudget(first, redis_prefix, limit=100, window_s=WINDOW_S)
    two = RedisBudget(second, redis_prefix, limit=100, window_s=WINDOW_S)
    await one.pause(WINDOW_S)
    assert await _blocked(two)


async def test_a_long_pause_raises_instead_of_waiting() -> None:
    budget = MemoryBudget(limit=100, window_s=WINDOW_S)
    await budget.pause(3600)
    with pytest.raises(RateLimited) as caught:
        await budget.acquire(max_pause=30)
    assert caught.value.retry_after > 30


@pytest.mark.redis
async def test_a_long_redis_pause_raises_in_every_process(
    two_processes: tuple[Redis, Redis], redis_prefix: str
) -> None:
    first, second = two_processes
    await RedisBudget(first, redis_prefix, limit=100).pause(3600)
    with pytest.raises(RateLimited):
        await RedisBudget(second, redis_prefix, limit=100).acquire(max_pause=30)


async def test_a_shorter_pause_never_cuts_a_longer_one() -> None:
    budget = MemoryBudget(limit=100, window_s=WINDOW_S)
    await budget.pause(3600)
    await budget.pause(1)
    with pytest.raises(RateLimited):
        await budget.acquire(max_pause=30)


@pytest.mark.redis
async def test_a_shorter_redis_pause_never_cuts_a_longer_one(
    two_processes: tuple[Redis, Redis], redis_prefix: str
) -> None:
    first, second = two_processes
    one = RedisBudget(first, redis_prefix, limit=100)
    two = RedisBudget(second, redis_prefix, limit=100)
    # Two processes told different Retry-Afters at once: the longer one must win.
    await asyncio.gather(one.pause(3600), two.pause(1), one.pause(2))
    await two.pause(1)
    with pytest.raises(RateLimited) as caught:
        await one.acquire(max_pause=30)
    assert caught.value.retry_after > 3000


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def half_bulk(
    request: pytest.FixtureRequest, redis_prefix: str
) -> AsyncIterator[RequestBudget]:
    """A budget of 10 per window, bulk calls allowed half of it; each kind in turn."""
    if request.param == "memory":
        yield MemoryBudget(limit=10, window_s=WINDOW_S, bulk_share=0.5)
        return
    redis = Redis.from_url(request.getfixturevalue("redis_url"))
    try:
        yield RedisBudget(redis, redis_prefix, 10, window_s=WINDOW_S, bulk_share=0.5)
    finally:
        await redis.aclose()


async def test_bulk_saturating_its_share_leaves_the_rest_to_interactive_calls(
    half_bulk: RequestBudget,
) -> None:
    for _ in range(5):
        await half_bulk.acquire(priority=Priority.BULK)
    waiting_bulk = asyncio.create_task(half_bulk.acquire(priority=Priority.BULK))
    try:
        # Interactive calls (and polls) arriving after a waiting bulk call pass it by.
        for _ in range(5):
            await asyncio.wait_for(half_bulk.acquire(), 10)
        assert not waiting_bulk.done()
        assert await half_bulk.usage() == 1.0
    finally:
        waiting_bulk.cancel()


async def test_bulk_cap_is_at_least_one_slot_and_at_most_the_limit() -> None:
    assert bulk_cap(10, 0.01) == 1
    assert bulk_cap(10, 1.0) == 10
    assert bulk_cap(10, 0.7) == 7


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def adaptive(
    request: pytest.FixtureRequest, redis_prefix: str
) -> AsyncIterator[tuple[RequestBudget, RequestBudget]]:
    """Two views of one adaptive budget (10 to start, 4..16, one slot per success): the
    same object in memory, two processes' objects over Redis."""
    aimd = Aimd(10, 4, 16, increase=1.0, decrease=0.5, cooldown_s=WINDOW_S)
    if request.param == "memory":
        budget = MemoryBudget(10, window_s=WINDOW_S, aimd=aimd)
        yield budget, budget
        return
    url = request.getfixturevalue("redis_url")
    first, second = Redis.from_url(url), Redis.from_url(url)
    try:
        yield (
            RedisBudget(first, redis_prefix, 10, window_s=WINDOW_S, aimd=aimd),
            RedisBudget(second, redis_prefix, 10, window_s=WINDOW_S, aimd=aimd),
        )
    finally:
        await first.aclose()
        await second.aclose()


async def _answered(budget: RequestBudget, calls: int) -> None:
    for _ in range(calls):
        await budget.acquire()
        await budget.succeeded()


async def test_an_adaptive_budget_grows_by_one_slot_per_answer_once_half_full(
    adaptive: tuple[RequestBudget, RequestBudget],
) -> None:
    one, two = adaptive
    await _answered(one, 1)  # 1 of 10 in the window: no growth
    for _ in range(4):  # (a shared budget hears of answers with the next acquire)
        await one.acquire()
    assert await two.current_limit() == 10
    await one.succeeded()  # answered with 5 of 10 in the window
    await one.acquire()
    assert await two.current_limit() == 11


async def test_an_adaptive_budget_never_grows_past_its_ceiling(
    adaptive: tuple[RequestBudget, RequestBudget],
) -> None:
    one, two = adaptive
    await _answered(one, 15)
    await one.acquire()
    assert await two.current_limit() == 16
    assert await _blocked(two)


async def test_a_429_halves_the_shared_limit_once_per_burst_and_never_below_the_floor(
    adaptive: tuple[RequestBudget, RequestBudget],
) -> None:
    one, two = adaptive
    await one.pause(0.01)
    await two.pause(0.01)  # the same burst (within the cooldown): no second halving
    assert await one.current_limit() == 5
    assert await two.current_limit() == 5
    await asyncio.sleep(0.05)
    for _ in range(5):
        await asyncio.wait_for(two.acquire(), 10)
    assert await _blocked(one)


async def test_a_fixed_budget_ignores_answers_and_429s() -> None:
    budget = MemoryBudget(limit=10, window_s=WINDOW_S)
    await _answered(budget, 10)
    await budget.pause(0.001)
    assert await budget.current_limit() == 10


async def test_an_adaptive_floor_stops_the_halving() -> None:
    budget = MemoryBudget(10, window_s=WINDOW_S, aimd=Aimd(10, 4, 16, cooldown_s=0))
    for _ in range(3):
        await budget.pause(0.001)
    assert await budget.current_limit() == 4
