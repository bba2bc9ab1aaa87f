"""The app-wide request budget: every process's Spotify calls together stay under a rate.

Spotify rate-limits per app over a rolling 30-second window, so the budget is a sliding
window log shared by all processes (a Redis sorted set under
``{redis_prefix}:spotify:budget``, trimmed and filled by one Lua script, timed by the
Redis server's clock) or, without Redis, kept in memory. A 429 from Spotify also closes
the gate for everyone until its ``Retry-After`` has passed.

The limit itself adapts (AIMD, as TCP's congestion window does): every answer that is
not a 429 while the window is at least half full adds ``increase`` slots, up to the
ceiling; a 429 halves it at once, down to the floor (one halving per ``cooldown_s``, so
one burst of 429s is one decrease). Spotify does not publish its limit, so the budget
learns it: it grows while Spotify keeps answering and backs off the moment it does not.
With Redis, the learned limit is shared by every process (``…:budget:limit``) and is
forgotten after ``FORGET_S`` without traffic.

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
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from graphql_api.errors import RateLimited

WINDOW_S = 30.0
BULK_SHARE = 0.7
# The window must be at least this full for a success to grow the limit: an idle app
# proves nothing about how much Spotify would take.
GROW_ABOVE = 0.5
FORGET_S = 300.0


class Priority(enum.StrEnum):
    """Who is asking: a person or the poller (INTERACTIVE), or a snapshot's paging (BULK)."""

    INTERACTIVE = "interactive"
    BULK = "bulk"


def bulk_cap(limit: int, share: float) -> int:
    """The slots of a window bulk calls may fill (at least one, so bulk always moves)."""
    return max(1, min(limit, math.floor(limit * share)))


@dataclass(frozen=True)
class Aimd:
    """How the limit adapts: it starts at ``start`` and stays within ``floor..ceiling``.

    ``floor == ceiling`` (``Aimd.fixed``) is a fixed limit."""

    start: int
    floor: int
    ceiling: int
    increase: float = 1.0
    decrease: float = 0.5
    cooldown_s: float = 1.0

    @classmethod
    def fixed(cls, limit: int) -> Aimd:
        return cls(limit, limit, limit)

    def clamp(self, value: float) -> float:
        return min(float(self.ceiling), max(float(self.floor), value))

    def grown(self, value: float, in_window: int, successes: int) -> float:
        if successes <= 0 or in_window < value * GROW_ABOVE:
            return value
        return self.clamp(value + self.increase * successes)

    def shrunk(self, value: float) -> float:
        return self.clamp(math.floor(value * self.decrease))


def bounds(limit: int, aimd: Aimd | None) -> Aimd:
    if aimd is None:
        return Aimd.fixed(max(1, limit))
    floor = max(1, aimd.floor)
    ceiling = max(floor, aimd.ceiling)
    start = min(ceiling, max(floor, aimd.start))
    return Aimd(start, floor, ceiling, aimd.increase, aimd.decrease, aimd.cooldown_s)


class RequestBudget(Protocol):
    async def acquire(
        self, max_pause: float | None = None, priority: Priority = Priority.INTERACTIVE
    ) -> None:
        """Wait for a slot in the window (and for any Retry-After pause), then take it.

        ``Priority.BULK`` waits until the window is below the bulk share. Raises
        ``RateLimited`` instead of waiting when a pause lasts longer than ``max_pause``.
        """

    async def succeeded(self) -> None:
        """Spotify answered a call without 429: the limit may grow (additively)."""

    async def pause(self, seconds: float) -> None:
        """Spotify answered 429: hold every request back for ``seconds`` and shrink the
        limit (multiplicatively)."""

    async def usage(self) -> float:
        """How tight the budget is: the fraction of the window's slots in use, 0..1+."""

    async def current_limit(self) -> int:
        """The limit in force now (requests per window)."""


class MemoryBudget:
    """A sliding window log in this process (the embedded default)."""

    def __init__(
        self,
        limit: int,
        window_s: float = WINDOW_S,
        bulk_share: float = BULK_SHARE,
        *,
        aimd: Aimd | None = None,
    ) -> None:
        self.aimd = bounds(limit, aimd)
        self.window_s = window_s
        self.shares = {Priority.INTERACTIVE: 1.0, Priority.BULK: bulk_share}
        self._limit = float(self.aimd.start)
        self._shrunk_at = -math.inf
        self._sent: deque[float] = deque()
        self._paused_until = 0.0
        # First come, first served within a priority; a bulk call waiting for the window
        # to drop below its share never holds up an interactive one.
        self._locks = {priority: asyncio.Lock() for priority in Priority}

    @property
    def limit(self) -> int:
        return max(1, int(self._limit))

    def _cap(self, priority: Priority) -> int:
        return bulk_cap(self.limit, self.shares[priority])

    def _trim(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.window_s:
            self._sent.popleft()

    async def acquire(
        self, max_pause: float | None = None, priority: Priority = Priority.INTERACTIVE
    ) -> None:
        async with self._locks[priority]:
            while True:
                cap = self._cap(priority)
                now = time.monotonic()
                self._trim(now)
                wait = self._paused_until - now
                check_pause(wait, max_pause)
                if wait <= 0 and len(self._sent) < cap:
                    self._sent.append(now)
                    return
                if wait <= 0:
                    # Room comes when the entry that puts the window at the cap leaves it
                    # (or sooner, when the limit grows meanwhile).
                    wait = min(self._sent[len(self._sent) - cap] + self.window_s - now, 0.25)
                await asyncio.sleep(max(wait, 0.001))

    async def succeeded(self) -> None:
        self._limit = self.aimd.grown(self._limit, len(self._sent), 1)

    async def pause(self, seconds: float) -> None:
        now = time.monotonic()
        self._paused_until = max(self._paused_until, now + seconds)
        if now - self._shrunk_at >= self.aimd.cooldown_s:
            self._shrunk_at = now
            self._limit = self.aimd.shrunk(self._limit)

    async def usage(self) -> float:
        self._trim(time.monotonic())
        return len(self._sent) / self.limit

    async def current_limit(self) -> int:
        return self.limit


def check_pause(left_s: float, max_pause: float | None) -> None:
    if max_pause is not None and left_s > max_pause:
        raise RateLimited(f"Spotify asked us to wait {left_s:.0f} seconds", retry_after=left_s)
