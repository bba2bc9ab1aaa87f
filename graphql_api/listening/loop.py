"""The scheduler loop: claim due users, poll them concurrently, repeat.

Run it in as many processes as you like (the claim keeps one poll per user in
flight): the arq worker in production, the API process on the embedded default.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator

from graphql_api.listening.poller import poll_user
from graphql_api.listening.scheduler import Claim, claim_due, ensure_pollers, next_due_in
from graphql_api.observability.polls import observed_poll
from graphql_api.resources import Resources
from graphql_api.settings import Settings

log = logging.getLogger(__name__)

# How often to look for newly linked users without a poller row.
DISCOVER_EVERY_S = 5.0


class PollerLoop:
    """Polls every due user, at most ``poll_concurrency`` at a time in this process."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        settings = resources.settings
        self._slots = asyncio.Semaphore(max(1, settings.poll_concurrency))
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._main: asyncio.Task[None] | None = None
        self._last_discover = 0.0
        self.polls = 0

    def start(self) -> None:
        """Run the loop as a background task of the current event loop."""
        if self._main is None or self._main.done():
            self._main = asyncio.create_task(self.run(), name="now-playing-poller")

    async def stop(self) -> None:
        """Stop claiming and cancel polls in flight (their leases expire and others take
        them over)."""
        tasks = [task for task in (self._main, *self._tasks) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._main = None

    async def run(self) -> None:
        """Loop until cancelled; a failing iteration is logged and retried."""
        tick = max(0.01, self.resources.settings.poll_tick_seconds)
        while True:
            try:
                claimed = await self.run_once()
                wait = tick
                if not claimed:
                    due_in = await next_due_in(self.resources.sessionmaker)
                    wait = tick if due_in is None else min(tick, max(due_in, 0.01))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("now-playing scheduler iteration failed")
                wait = tick * 5
            await asyncio.sleep(wait)

    async def run_once(self) -> int:
        """Claim what is due (as many as there are free slots) and start polling it."""
        settings = self.resources.settings
        now = time.monotonic()
        if now - self._last_discover >= min(DISCOVER_EVERY_S, settings.poll_tick_seconds * 10):
            self._last_discover = now
            await ensure_pollers(self.resources.sessionmaker)
        free = settings.poll_concurrency - len(self._in_flight)
        if free <= 0:
            return 0
        claims = await claim_due(
            self.resources.sessionmaker,
            limit=min(free, settings.poll_batch),
            lease=dt.timedelta(seconds=settings.poll_lease_seconds),
        )
        for claim in claims:
            if claim.user_id in self._in_flight:
                continue
            self._in_flight.add(claim.user_id)
            task = asyncio.create_task(self._poll(claim), name=f"poll:{claim.user_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(claims)

    async def _poll(self, claim: Claim) -> None:
        try:
            async with self._slots:
                with observed_poll(claim.due_at):
                    await poll_user(self.resources, claim)
                self.polls += 1
        except Exception:
            log.exception("now-playing poll of user %s failed", claim.user_id)
        finally:
            self._in_flight.discard(claim.user_id)

    async def drain(self) -> None:
        """Wait for the polls in flight (tests and benchmarks)."""
        while self._tasks:
            await asyncio.gather(*tuple(self._tasks), return_exceptions=True)


def should_run_in_api(settings: Settings) -> bool:
    """Whether an API process runs the loop: by default only on the embedded default."""
    if not settings.poll_enabled:
        return False
    if settings.poll_in_api is not None:
        return settings.poll_in_api
    return settings.redis_url is None


@contextlib.asynccontextmanager
async def running_poller(
    resources: Resources, *, enabled: bool
) -> AsyncIterator[PollerLoop | None]:
    """Run the loop in the background for the block when ``enabled``."""
    if not enabled:
        yield None
        return
    loop = PollerLoop(resources)
    loop.start()
    try:
        yield loop
    finally:
        await loop.stop()


def api_poller(resources: Resources) -> contextlib.AbstractAsyncContextManager[PollerLoop | None]:
    """The loop of an API process (embedded default only, unless told otherwise)."""
    return running_poller(resources, enabled=should_run_in_api(resources.settings))


def worker_poller(
    resources: Resources,
) -> contextlib.AbstractAsyncContextManager[PollerLoop | None]:
    """The loop of an arq worker (always, when polling is on)."""
    return running_poller(resources, enabled=resources.settings.poll_enabled)
