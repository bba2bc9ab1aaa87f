"""The request budget shared by every process through Redis (see ``budget.py``)."""

from __future__ import annotations

import asyncio
import math
import uuid

from redis.asyncio import Redis

from graphql_api.spotify.budget import (
    BULK_SHARE,
    FORGET_S,
    WINDOW_S,
    Aimd,
    Priority,
    bounds,
    check_pause,
)

# The learned limit: KEYS[3] holds it (absent: ARGV start), clamped to ARGV floor..ceiling.
_LIMIT = """
local function limit_of(key, start, floor, ceiling)
  local v = tonumber(redis.call('GET', key)) or start
  return math.min(ceiling, math.max(floor, v))
end
"""

# KEYS: window zset, pause key, limit key. ARGV: share of the limit this caller may fill,
# window ms, member, start, floor, ceiling, increase, successes since the last call,
# forget ms. Grows the limit by the successes first (when the window is at least half
# full), then returns 0 when a slot was taken, minus the pause left (ms) while paused,
# else the milliseconds until the window is below the cap.
_ACQUIRE = (
    _LIMIT
    + """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
local limit = limit_of(KEYS[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]))
local successes = tonumber(ARGV[8])
if successes > 0 and used >= limit * 0.5 then
  limit = math.min(tonumber(ARGV[6]), limit + tonumber(ARGV[7]) * successes)
  redis.call('SET', KEYS[3], tostring(limit), 'PX', ARGV[9])
end
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return -paused end
local cap = math.max(1, math.min(math.floor(limit), math.floor(limit * tonumber(ARGV[1]))))
if used < cap then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local over = used - cap
local leaving = redis.call('ZRANGE', KEYS[1], over, over, 'WITHSCORES')
return math.min(250, math.max(1, tonumber(leaving[2]) + window - now))
"""
)

# KEYS: pause key, limit key, cooldown key. ARGV: pause ms, start, floor, ceiling,
# decrease, cooldown ms, forget ms. Lengthens the pause, never shortens it, in one step
# (two processes told different Retry-Afters at once must end up with the longer one),
# and shrinks the limit unless another 429 of the same burst already did.
_PAUSE = (
    _LIMIT
    + """
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
if redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[6]) then
  local limit = limit_of(KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
  limit = math.max(tonumber(ARGV[3]), math.floor(limit * tonumber(ARGV[5])))
  redis.call('SET', KEYS[2], tostring(limit), 'PX', ARGV[7])
end
return 0
"""
)

# KEYS: window zset, limit key. ARGV: window ms, start, floor, ceiling. Returns
# {in use, limit}.
_USAGE = (
    _LIMIT
    + """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
local limit = limit_of(KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
return {redis.call('ZCARD', KEYS[1]), math.floor(limit)}
"""
)


class RedisBudget:
    """The same window and the same learned limit, shared by every process through Redis."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        limit: int,
        window_s: float = WINDOW_S,
        bulk_share: float = BULK_SHARE,
        *,
        aimd: Aimd | None = None,
    ) -> None:
        self.redis = redis
        self.aimd = bounds(limit, aimd)
        self.shares = {Priority.INTERACTIVE: 1.0, Priority.BULK: bulk_share}
        self.window_ms = int(window_s * 1000)
        self.key = f"{prefix}:spotify:budget"
        self.pause_key = f"{prefix}:spotify:budget:pause"
        self.limit_key = f"{prefix}:spotify:budget:limit"
        self.cooldown_key = f"{prefix}:spotify:budget:shrunk"
        self._acquire = redis.register_script(_ACQUIRE)
        self._usage = redis.register_script(_USAGE)
        self._pause = redis.register_script(_PAUSE)
        # Successes are reported to Redis with the next acquire: no round trip of their own.
        self._successes = 0

    def _limit_args(self) -> list[float]:
        return [self.aimd.start, self.aimd.floor, self.aimd.ceiling]

    async def acquire(
        self, max_pause: float | None = None, priority: Priority = Priority.INTERACTIVE
    ) -> None:
        keys = [self.key, self.pause_key, self.limit_key]
        forget_ms = int(FORGET_S * 1000)
        while True:
            member = uuid.uuid4().hex
            successes, self._successes = self._successes, 0
            args: list[str | float] = [self.shares[priority], self.window_ms, member]
            args += [*self._limit_args(), self.aimd.increase, successes, forget_ms]
            wait_ms = int(await self._acquire(keys=keys, args=args))
            if wait_ms == 0:
                return
            if wait_ms < 0:
                wait_ms = -wait_ms
                check_pause(wait_ms / 1000, max_pause)
            await asyncio.sleep(wait_ms / 1000)

    async def succeeded(self) -> None:
        self._successes += 1

    async def pause(self, seconds: float) -> None:
        keys = [self.pause_key, self.limit_key, self.cooldown_key]
        args = [max(1, math.ceil(seconds * 1000)), *self._limit_args(), self.aimd.decrease]
        args += [max(1, int(self.aimd.cooldown_s * 1000)), int(FORGET_S * 1000)]
        self._successes = 0
        await self._pause(keys=keys, args=args)

    async def _read(self) -> tuple[int, int]:
        used, limit = await self._usage(
            keys=[self.key, self.limit_key], args=[self.window_ms, *self._limit_args()]
        )
        return int(used), max(1, int(limit))

    async def usage(self) -> float:
        used, limit = await self._read()
        return used / limit

    async def current_limit(self) -> int:
        return (await self._read())[1]
