"""Pub/sub in memory and on Redis: delivery, fan-out, slow subscribers, cross-instance."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from graphql_api.events import MemoryPubSub, PubSub, RedisPubSub, Subscription
from graphql_api.events.base import SUBSCRIBER_QUEUE_SIZE


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def pubsub(request: pytest.FixtureRequest, redis_prefix: str) -> AsyncIterator[PubSub]:
    if request.param == "memory":
        memory = MemoryPubSub()
        yield memory
        await memory.close()
        return
    url = request.getfixturevalue("redis_url")
    redis = Redis.from_url(url)
    instance = RedisPubSub(redis, redis_prefix)
    yield instance
    await instance.close()
    await redis.aclose()


async def _publish_until_received(
    pubsub: PubSub, channel: str, *subscriptions: Subscription
) -> None:
    """Wait until every subscription is live (Redis SUBSCRIBE is asynchronous), then drain."""
    for attempt in range(200):
        await pubsub.publish(channel, {"probe": attempt})
        await asyncio.sleep(0.01)
        if all(s._queue.qsize() for s in subscriptions):
            break
    else:
        raise AssertionError("subscription never became active")
    # A marker after the probes: everything up to it is a probe.
    await pubsub.publish(channel, {"marker": True})
    for subscription in subscriptions:
        while "marker" not in await asyncio.wait_for(anext(subscription), 5):
            pass


async def test_every_subscriber_receives_in_order(pubsub: PubSub) -> None:
    async with pubsub.subscribe("c") as first, pubsub.subscribe("c") as second:
        await _publish_until_received(pubsub, "c", first, second)
        for n in range(5):
            await pubsub.publish("c", {"n": n})
        for subscription in (first, second):
            got = [await asyncio.wait_for(anext(subscription), 5) for _ in range(5)]
            assert [m["n"] for m in got] == [0, 1, 2, 3, 4]


async def test_other_channels_are_not_delivered(pubsub: PubSub) -> None:
    async with pubsub.subscribe("mine") as mine:
        await _publish_until_received(pubsub, "mine", mine)
        await pubsub.publish("other", {"n": 1})
        await pubsub.publish("mine", {"n": 2})
        assert (await asyncio.wait_for(anext(mine), 5)) == {"n": 2}


async def test_a_slow_subscriber_loses_only_its_oldest_messages(pubsub: PubSub) -> None:
    async with pubsub.subscribe("c") as slow, pubsub.subscribe("c") as fast:
        await _publish_until_received(pubsub, "c", slow, fast)
        total = SUBSCRIBER_QUEUE_SIZE + 10
        received = []
        for n in range(total):
            await pubsub.publish("c", {"n": n})
            received.append((await asyncio.wait_for(anext(fast), 5))["n"])
        assert received == list(range(total))
        # The slow one kept the newest messages and dropped the rest.
        for _ in range(100):
            if slow._queue.full():
                break
            await asyncio.sleep(0.01)
        assert slow.dropped == total - SUBSCRIBER_QUEUE_SIZE
        assert (await anext(slow))["n"] == total - SUBSCRIBER_QUEUE_SIZE


@pytest.mark.redis
async def test_events_cross_redis_instances(redis_url: str, redis_prefix: str) -> None:
    publisher_redis, subscriber_redis = Redis.from_url(redis_url), Redis.from_url(redis_url)
    publisher = RedisPubSub(publisher_redis, redis_prefix)
    subscriber = RedisPubSub(subscriber_redis, redis_prefix)
    try:
        async with subscriber.subscribe("x") as subscription:
            await _publish_until_received(publisher, "x", subscription)
            await publisher.publish("x", {"hello": "world"})
            assert await asyncio.wait_for(anext(subscription), 5) == {"hello": "world"}
    finally:
        await publisher.close()
        await subscriber.close()
        await publisher_redis.aclose()
        await subscriber_redis.aclose()
