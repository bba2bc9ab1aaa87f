"""The scheduler loop: claim due users, poll them concurrently, repeat.

Run it in as many processes as you like (the claim keeps one poll per user in
flight): the arq worker in production, the API process on the embedded default.

A claimed user stays this process's until its lease is lost: the process polls them on
its own schedule, kept in memory, and renews the lease (one ``UPDATE`` per user) once per
``poll_lease_seconds``; the lease it writes runs a quarter longer, so a process that dies
delays its users by at most 1.25 leases. A poll that finds nothing new writes nothing
(``store_poll``); one that fails hands the user back to the database's schedule
(``pollers.next_poll_at``), as does stopping the loop. Before polling, the process reads
that its leases are still in place: turning polling off or on, relinking, a failed poll
or another process's claim after a lost lease all change ``next_poll_at``, and the user
is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from graphql_api.db.base import utcnow
from graphql_api.listening.poller import poll_user
from graphql_api.listening.scheduler import (
    Claim,
    claim_due,
    ensure_pollers,
    next_due_in,
    release,
    renew_leases,
    still_owned,
)
from graphql_api.observability.polls import observed_poll
from graphql_api.resources import Resources
from graphql_api.settings import Settings

log = logging.getLogger(__name__)

# How often to look for newly linked users without a poller row.
DISCOVER_EVERY_S = 5.0
# The lease written runs this much longer than the renewal period.
LEASE_MARGIN = 1.25


@dataclass
class _Owned:
    """A user this process polls: its lease, and its next poll (in memory)."""

    claim: Claim
    lease_until: dt.datetime
    renewed_at: float
    due: dt.datetime


class PollerLoop:
    """Polls every due user, at most ``poll_concurrency`` at a time in this process."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        settings = resources.settings
        self._slots = asyncio.Semaphore(max(1, settings.poll_concurrency))
        self._in_flight: set[int] = set()
        self._owned: dict[int, _Owned] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._main: asyncio.Task[None] | None = None
        self._last_discover = 0.0
        self._period = max(0.01, settings.poll_lease_seconds)
        self.polls = 0

    def start(self) -> None:
        """Run the loop as a background task of the current event loop."""
        if self._main is None or self._main.done():
            self._main = asyncio.create_task(self.run(), name="now-playing-poller")

    async def stop(self) -> None:
        """Stop claiming, cancel polls in flight and hand the users back to the schedule."""
        tasks = [task for task in (self._main, *self._tasks) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._main = None
        owned, self._owned = self._owned, {}
        try:
            await release(
                self.resources.sessionmaker,
                {uid: (o.lease_until, o.due) for uid, o in owned.items()},
            )
        except Exception:  # the leases run out by themselves
            log.warning("could not hand %d polled users back", len(owned), exc_info=True)

    async def run(self) -> None:
        """Loop until cancelled; a failing iteration is logged and retried."""
        tick = max(0.01, self.resources.settings.poll_tick_seconds)
        while True:
            try:
                started = await self.run_once()
                wait = tick
                if not started:
                    wait = min(tick, max(await self._due_in(), 0.01))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("now-playing scheduler iteration failed")
                wait = tick * 5
            await asyncio.sleep(wait)

    async def _due_in(self) -> float:
        """Seconds until this process has a poll to start or a user may become due."""
        waits = [(o.due - utcnow()).total_seconds() for o in self._owned.values()]
        due_in = await next_due_in(self.resources.reader)
        if due_in is not None:
            waits.append(due_in)
        return min(waits, default=self.resources.settings.poll_tick_seconds)

    async def run_once(self) -> int:
        """Renew leases, claim what is due, and start the polls that are due; returns how
        many users were claimed or polls started."""
        settings = self.resources.settings
        now = time.monotonic()
        if now - self._last_discover >= min(DISCOVER_EVERY_S, settings.poll_tick_seconds * 10):
            self._last_discover = now
            await ensure_pollers(self.resources.sessionmaker, self.resources.reader)
        await self._renew(now)
        # Claims do not wait for free slots: owned users are polled in turn (the slots are
        # a FIFO semaphore), so a process behind schedule polls everyone late (the poll lag
        # metric shows it) rather than leaving users nobody claims.
        claims = await claim_due(
            self.resources.sessionmaker,
            limit=settings.poll_batch,
            lease=dt.timedelta(seconds=self._period * LEASE_MARGIN),
            reader=self.resources.reader,
        )
        claimed = 0
        for claim in claims:
            if claim.leased_until is None:
                continue
            owned = self._owned.get(claim.user_id)
            if owned is not None and claim.user_id in self._in_flight:
                # Made due again while we poll them (e.g. polling turned off and on): the
                # new lease is ours; poll again once this poll is done.
                owned.lease_until, owned.renewed_at = claim.leased_until, now
                owned.claim = replace(owned.claim, fresh=True)
                continue
            self._owned[claim.user_id] = _Owned(claim, claim.leased_until, now, utcnow())
            claimed += 1
        return claimed + await self._start_due()

    async def _renew(self, now: float) -> None:
        """Renew the leases that are a period old (users in flight wait for their poll)."""
        due = {
            uid: (o.lease_until, o.claim.last_poll_at)
            for uid, o in self._owned.items()
            if now - o.renewed_at >= self._period and uid not in self._in_flight
        }
        if not due:
            return
        renewed = await renew_leases(
            self.resources.sessionmaker,
            due,
            dt.timedelta(seconds=self._period * LEASE_MARGIN),
        )
        for user_id in due:
            if user_id in renewed:
                owned = self._owned[user_id]
                owned.lease_until, owned.renewed_at = renewed[user_id], now
            else:
                self._owned.pop(user_id, None)

    async def _start_due(self) -> int:
        now = utcnow()
        due = {
            uid: o.lease_until
            for uid, o in self._owned.items()
            if o.due <= now and uid not in self._in_flight
        }
        if not due:
            return 0
        mine = await still_owned(self.resources.reader, due)
        for user_id in due:
            if user_id not in mine:
                self._owned.pop(user_id, None)
                continue
            owned = self._owned[user_id]
            claim = replace(owned.claim, due_at=owned.due, leased_until=owned.lease_until)
            self._in_flight.add(user_id)
            task = asyncio.create_task(self._poll(claim), name=f"poll:{user_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(mine)

    async def _poll(self, claim: Claim) -> None:
        try:
            async with self._slots:
                with observed_poll(claim.due_at):
                    outcome = await poll_user(self.resources, claim)
                self.polls += 1
            owned = self._owned.get(claim.user_id)
            if owned is None:
                return
            if outcome.error is not None:
                # The failure re-scheduled the user in the database: the schedule has them.
                self._owned.pop(claim.user_id, None)
                return
            reclaimed = owned.claim.fresh and not claim.fresh
            owned.due = utcnow() + dt.timedelta(seconds=0 if reclaimed else outcome.delay)
            owned.claim = replace(
                claim, last_poll_at=outcome.observed_at, consecutive_errors=0, fresh=reclaimed
            )
        except Exception:
            log.exception("now-playing poll of user %s failed", claim.user_id)
            owned = self._owned.pop(claim.user_id, None)
            if owned is not None:
                # Back to the schedule at once, rather than when the lease runs out.
                again = utcnow() + dt.timedelta(seconds=self.resources.settings.poll_tick_seconds)
                with contextlib.suppress(Exception):
                    await release(
                        self.resources.sessionmaker,
                        {claim.user_id: (owned.lease_until, again)},
                    )
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
