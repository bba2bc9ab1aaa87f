"""The app-wide request budget: every process's Spotify calls together stay under a rate.

Spotify rate-limits per app over a rolling 30-second window, so the budget is a sliding
window log shared by all processes (a Redis sorted set under
``{redis_prefix}:spotify:budget``, trimmed and filled by one Lua script, timed by the
Redis server's clock) or, without Redis, kept in memory. A 429 from Spotify also closes
the gate for everyone until its ``Retry-After`` has passed.

Calls have a priority. Interactive calls and polling (``Priority.INTERACTIVE``) may fill
the whole window; bulk paging (``Priority.BULK``, library snapshots) only takes a slot
while the window is below ``bulk_share`` of the limit, so one big snapshot leaves the
rest of the window as headroom for everyone else, and bulk waiters never queue in
front of interactive ones.
"""

from __future__ import annotations

import asyncio
import enum
import math
import time
import uuid
from collections import deque
from typing import Protocol

from redis.asyncio import Redis

from graphql_api.errors import RateLimited

WINDOW_S = 30.0
BULK_SHARE = 0.7


class Priority(enum.StrEnum):
    """Who is asking: a person or the poller (INTERACTIVE), or a snapshot's paging (BULK)."""

    INTERACTIVE = "interactive"
    BULK = "bulk"


def bulk_cap(limit: int, share: float) -> int:
    """The slots of a window bulk calls may fill (at least one, so bulk always moves)."""
    return max(1, min(limit, math.floor(limit * share)))


class RequestBudget(Protocol):
    async def acquire(
        self, max_pause: float | None = None, priority: Priority = Priority.INTERACTIVE
    ) -> None:
        """Wait for a slot in the window (and for any Retry-After pause), then take it.

        ``Priority.BULK`` waits until the window is below the bulk share. Raises
        ``RateLimited`` instead of waiting when a pause lasts longer than ``max_pause``.
        """

    async def pause(self, seconds: float) -> None:
        """Hold every request back for ``seconds`` (Spotify answered 429)."""

    async def usage(self) -> float:
        """How tight the budget is: the fraction of the window's slots in use, 0..1+."""


class MemoryBudget:
    """A sliding window log in this process (the embedded default)."""

    def __init__(
        self, limit: int, window_s: float = WINDOW_S, bulk_share: float = BULK_SHARE
    ) -> None:
        self.limit = max(1, limit)
        self.window_s = window_s
        self.caps = {Priority.INTERACTIVE: self.limit, Priority.BULK: bulk_cap(limit, bulk_share)}
        self._sent: deque[float] = deque()
        self._paused_until = 0.0
        # First come, first served within a priority; a bulk call waiting for the window
        # to drop below its share never holds up an interactive one.
        self._locks = {priority: asyncio.Lock() for priority in Priority}

    def _trim(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.window_s:
            self._sent.popleft()

    async def acquire(
        self, max_pause: float | None = None, priority: Priority = Priority.INTERACTIVE
    ) -> None:
        cap = self.caps[priority]
        async with self._locks[priority]:
            while True:
                now = time.monotonic()
                self._trim(now)
                wait = self._paused_until - now
                _check_pause(wait, max_pause)
                if wait <= 0 and len(self._sent) < cap:
                    self._sent.append(now)
                    return
                if wait <= 0:
                    # Room comes when the entry that puts the window at the cap leaves it.
                    wait = self._sent[len(self._sent) - cap] + self.window_s - now
                await asyncio.sleep(max(wait, 0.001))

    async def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def usage(self) -> float:
        self._trim(time.monotonic())
        return len(self._sent) / self.limit


# KEYS[1] window zset, KEYS[2] pause key; ARGV: limit (the caller's cap), window ms, member.
# Returns 0 when a slot was taken, minus the pause left (ms) while paused, else the
# milliseconds until the window is below the cap.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return -paused end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
local leaving = redis.call('ZRANGE', KEYS[1], over, over, 'WITHSCORES')
return math.max(1, tonumber(leaving[2]) + window - now)
"""

# KEYS[1] pause key; ARGV[1] pause ms. Lengthens the pause, never shortens it, in one step:
# two processes told different Retry-Afters at once must end up with the longer one.
_PAUSE = """
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 0
"""

_USAGE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
return redis.call('ZCARD', KEYS[1])
"""


class RedisBudget:
    """The same window, shared by every process through Redis."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        limit: int,
        window_s: float = WINDOW_S,
        bulk_share: float = BULK_SHARE,
    ) -> None:
        self.redis = redis
        self.limit = max(1, limit)
        self.caps = {Priority.INTERACTIVE: self.limit, Priority.BULK: bulk_cap(limit, bulk_share)}
        self.window_ms = int(window_s * 1000)
        self.key = f"{prefix}:spotify:budget"
        self.pause_key = f"{prefix}:spotify:budget:pause"
        self._acquire = redis.register_script(_ACQUIRE)
        self._usage = redis.register_script(_USAGE)
        self._pause = redis.register_script(_PAUSE)

    async def acquire(
        self, max_pause: float | None = None, priority: Priority = Priority.INTERACTIVE
    ) -> None:
        cap = self.caps[priority]
        while True:
            member = uuid.uuid4().hex
            keys = [self.key, self.pause_key]
            wait_ms = int(await self._acquire(keys=keys, args=[cap, self.window_ms, member]))
            if wait_ms == 0:
                return
            if wait_ms < 0:
                wait_ms = -wait_ms
                _check_pause(wait_ms / 1000, max_pause)
            await asyncio.sleep(wait_ms / 1000)

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[self.pause_key], args=[max(1, math.ceil(seconds * 1000))])

    async def usage(self) -> float:
        used = int(await self._usage(keys=[self.key], args=[self.window_ms]))
        return used / self.limit


def _check_pause(left_s: float, max_pause: float | None) -> None:
    if max_pause is not None and left_s > max_pause:
        raise RateLimited(f"Spotify asked us to wait {left_s:.0f} seconds", retry_after=left_s)
