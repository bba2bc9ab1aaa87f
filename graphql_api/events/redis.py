"""Redis pub/sub: events reach subscribers in every API process.

One Redis connection per process reads all subscribed channels and fans messages
out locally, so a thousand websocket subscribers cost one Redis subscription.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub as RedisClientPubSub

from graphql_api.events.base import LocalFanout, Message, Subscription

log = logging.getLogger(__name__)


class RedisPubSub:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix + ":events:"
        self._fanout = LocalFanout()
        self._pubsub: RedisClientPubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def publish(self, channel: str, message: Message) -> None:
        await self._redis.publish(self._prefix + channel, orjson.dumps(message))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        subscription, first = self._fanout.add(channel)
        try:
            if first:
                async with self._lock:
                    pubsub = await self._ensure_reader()
                    await pubsub.subscribe(self._prefix + channel)
            yield subscription
        finally:
            if self._fanout.remove(subscription) and self._pubsub is not None:
                async with self._lock:
                    if channel not in self._fanout.channels:
                        with contextlib.suppress(Exception):
                            await self._pubsub.unsubscribe(self._prefix + channel)

    async def _ensure_reader(self) -> RedisClientPubSub:
        if self._pubsub is None:
            self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        if self._reader is None or self._reader.done():
            # subscribe before the reader starts: get_message needs a connection.
            self._reader = asyncio.create_task(self._read(), name="redis-pubsub-reader")
        return self._pubsub

    async def _read(self) -> None:
        assert self._pubsub is not None
        while True:
            try:
                if not self._pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                raw = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis pub/sub reader failed; retrying")
                await asyncio.sleep(1.0)
                continue
            if raw is None:
                continue
            channel = raw["channel"]
            if isinstance(channel, bytes):
                channel = channel.decode()
            try:
                message = orjson.loads(raw["data"])
            except orjson.JSONDecodeError:
                log.warning("dropped a malformed event on %s", channel)
                continue
            self._fanout.deliver(channel.removeprefix(self._prefix), message)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        self._fanout.channels.clear()
