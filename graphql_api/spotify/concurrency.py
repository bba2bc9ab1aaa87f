"""An adaptive limit on calls in flight: fewer at once when Spotify answers 429, more again
while it answers.

AIMD again (as the request budget, ``budget.py``), for one job's concurrency: a 429 halves
the limit (once per ``cooldown_s``: one burst of 429s is one decrease, down to ``floor``),
and each ``limit`` answers without one add a slot back, up to ``ceiling``. A library
snapshot reads through one (``library/fetch.py``), handed to its ``SpotifyClient`` as the
client's ``RateObserver``.
"""

from __future__ import annotations

import asyncio
import time
from types import TracebackType


class AdaptiveLimit:
    """``async with limit:`` holds one of at most ``limit.limit`` slots."""

    def __init__(self, ceiling: int, floor: int = 1, cooldown_s: float = 1.0) -> None:
        self.ceiling = max(1, ceiling)
        self.floor = min(self.ceiling, max(1, floor))
        self.limit = self.ceiling
        self.cooldown_s = cooldown_s
        self.in_flight = 0
        self.lowest = self.limit
        self._answers = 0
        self._shrunk_at = -float("inf")
        self._waiters: list[asyncio.Future[None]] = []

    async def __aenter__(self) -> None:
        while self.in_flight >= self.limit:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                self._wake()  # pass on a wake-up this waiter may have taken
                raise
            finally:
                self._waiters.remove(waiter)
        self.in_flight += 1

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        free = self.limit - self.in_flight
        for waiter in self._waiters:
            if free <= 0:
                break
            if not waiter.done():
                waiter.set_result(None)
                free -= 1

    def answered(self) -> None:
        """Spotify answered a call (not with 429)."""
        self._answers += 1
        if self._answers >= self.limit and self.limit < self.ceiling:
            self._answers = 0
            self.limit += 1
            self._wake()

    def throttled(self) -> None:
        """Spotify answered 429."""
        now = time.monotonic()
        self._answers = 0
        if now - self._shrunk_at < self.cooldown_s:
            return
        self._shrunk_at = now
        self.limit = max(self.floor, self.limit // 2)
        self.lowest = min(self.lowest, self.limit)
