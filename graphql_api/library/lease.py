"""Leases on running snapshots: who runs one, and for how long it may stay silent.

A job that starts a snapshot takes its lease (``lease_until``) and counts an attempt;
while it works it renews the lease as progress is written and on a timer (every third
of ``snapshot_lease_s``). A process killed with ``kill -9``, a job timeout or a
cancelled task stops renewing: the recovery sweep (``library/recovery.py``) then finds
the lease run out and queues the snapshot again. A job that lost its lease (the sweep
gave the snapshot to another attempt) must not finish it: :func:`still_owned` says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

from sqlalchemy import update

from graphql_api.db.base import utcnow
from graphql_api.db.models import LibrarySnapshot, SnapshotStatus
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from graphql_api.taskgroups import in_background

log = logging.getLogger(__name__)


def lease_expiry(settings: Settings, now: dt.datetime | None = None) -> dt.datetime:
    """When a lease taken or renewed now runs out."""
    return (now or utcnow()) + dt.timedelta(seconds=settings.snapshot_lease_s)


def claimable(snapshot: LibrarySnapshot, now: dt.datetime) -> bool:
    """Whether a job may start ``snapshot``: queued, or running under a lease that ran out."""
    if snapshot.status is SnapshotStatus.QUEUED:
        return True
    if snapshot.status is SnapshotStatus.RUNNING:
        return snapshot.lease_until is None or snapshot.lease_until <= now
    return False


def claim(settings: Settings, snapshot: LibrarySnapshot, now: dt.datetime) -> int:
    """Start ``snapshot`` (a row locked by the caller's transaction); returns the attempt."""
    snapshot.status = SnapshotStatus.RUNNING
    snapshot.started_at = snapshot.started_at or now
    snapshot.attempts = (snapshot.attempts or 0) + 1
    snapshot.lease_until = lease_expiry(settings, now)
    return snapshot.attempts


def still_owned(snapshot: LibrarySnapshot, attempt: int) -> bool:
    """Whether attempt ``attempt`` still runs ``snapshot`` (a freshly read row)."""
    return snapshot.status is SnapshotStatus.RUNNING and snapshot.attempts == attempt


async def renew(resources: Resources, snapshot_id: int, attempt: int) -> bool:
    """Push the lease of ``attempt`` forward; False when that attempt no longer holds it."""
    async with resources.sessionmaker() as session:
        result = await session.execute(
            update(LibrarySnapshot)
            .where(
                LibrarySnapshot.id == snapshot_id,
                LibrarySnapshot.status == SnapshotStatus.RUNNING,
                LibrarySnapshot.attempts == attempt,
            )
            .values(lease_until=lease_expiry(resources.settings))
        )
        await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def _renew_forever(
    resources: Resources, snapshot_id: int, attempt: int, writing: asyncio.Lock
) -> None:
    every = resources.settings.snapshot_lease_s / 3
    while True:
        await asyncio.sleep(every)
        try:
            async with writing:
                renewed = await renew(resources, snapshot_id, attempt)
            if not renewed:
                log.warning("snapshot %s: attempt %s lost its lease", snapshot_id, attempt)
                return
        except Exception:
            # A busy database must not end the job; the next beat tries again.
            log.exception("snapshot %s: renewing the lease failed", snapshot_id)


@contextlib.asynccontextmanager
async def heartbeat(
    resources: Resources, snapshot_id: int, attempt: int, writing: asyncio.Lock | None = None
) -> AsyncIterator[None]:
    """Renew the lease on a timer for the block's duration (slow pages, long writes);
    ``writing`` is the job's turn-taking lock (SQLite has one writer), if it has one."""
    renewing = _renew_forever(resources, snapshot_id, attempt, writing or asyncio.Lock())
    async with in_background(renewing, f"snapshot-lease:{snapshot_id}"):
        yield
