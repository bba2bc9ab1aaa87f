"""In-process pub/sub for the embedded default (one process, no Redis)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graphql_api.events.base import LocalFanout, Message, Subscription


class MemoryPubSub:
    def __init__(self) -> None:
        self._fanout = LocalFanout()

    async def publish(self, channel: str, message: Message) -> None:
        self._fanout.deliver(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        subscription, _ = self._fanout.add(channel)
        try:
            yield subscription
        finally:
            self._fanout.remove(subscription)

    async def close(self) -> None:
        self._fanout.channels.clear()
