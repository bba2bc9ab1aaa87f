"""The pub/sub interface, and the per-process fan-out both implementations share.

Each process keeps one upstream subscription per channel however many local
subscribers listen, and hands every message to each subscriber's own bounded queue.
A slow or dead subscriber only loses its own oldest messages; it never delays the
publisher or the other subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol

Message = dict[str, Any]
SUBSCRIBER_QUEUE_SIZE = 256


class Subscription:
    """One subscriber's view of a channel: an async iterator of messages."""

    def __init__(self, channel: str, maxsize: int = SUBSCRIBER_QUEUE_SIZE) -> None:
        self.channel = channel
        self._queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=maxsize)
        self.dropped = 0

    def deliver(self, message: Message) -> None:
        """Queue ``message``; when full, drop the oldest so the newest state wins."""
        while True:
            try:
                self._queue.put_nowait(message)
            except asyncio.QueueFull:
                with contextlib.suppress(asyncio.QueueEmpty):
                    self._queue.get_nowait()
                    self.dropped += 1
            else:
                return

    def __aiter__(self) -> AsyncIterator[Message]:
        return self

    async def __anext__(self) -> Message:
        return await self._queue.get()


class PubSub(Protocol):
    async def publish(self, channel: str, message: Message) -> None: ...

    def subscribe(self, channel: str) -> contextlib.AbstractAsyncContextManager[Subscription]: ...

    async def close(self) -> None: ...


class LocalFanout:
    """Local subscribers per channel."""

    def __init__(self) -> None:
        self.channels: dict[str, set[Subscription]] = {}

    def add(self, channel: str) -> tuple[Subscription, bool]:
        """Add a subscriber; also says whether it is the channel's first."""
        subscription = Subscription(channel)
        subscribers = self.channels.setdefault(channel, set())
        subscribers.add(subscription)
        return subscription, len(subscribers) == 1

    def remove(self, subscription: Subscription) -> bool:
        """Remove a subscriber; says whether the channel has none left."""
        subscribers = self.channels.get(subscription.channel, set())
        subscribers.discard(subscription)
        if not subscribers:
            self.channels.pop(subscription.channel, None)
            return True
        return False

    def deliver(self, channel: str, message: Message) -> None:
        for subscription in tuple(self.channels.get(channel, ())):
            subscription.deliver(message)
