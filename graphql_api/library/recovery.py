"""Lost snapshots recover by themselves: a periodic sweep re-queues them, or fails them.

A snapshot is lost when it is active (QUEUED or RUNNING) and its lease ran out: the
process running it was killed, the job timed out or was cancelled, or the job was never
enqueued (the process died between the commit and the enqueue). ``recover_snapshots``
runs as a cron job (arq's in the worker, the in-process scheduler on the embedded
default) every ``snapshot_recovery_interval_s``: it queues each lost snapshot again under
a new job id, or, once it was started ``snapshot_max_attempts`` times, marks it FAILED
with ``SNAPSHOT_LOST``. Re-running is safe: the snapshot job is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging

from arq.cron import CronJob
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import LibrarySnapshot, SnapshotStatus
from graphql_api.db.uow import UnitOfWork, unit_of_work
from graphql_api.jobs.base import JobContext
from graphql_api.jobs.cron import every
from graphql_api.library.lease import lease_expiry
from graphql_api.library.progress import publish_state
from graphql_api.library.snapshots import ACTIVE, JOB_NAME, job_id_of
from graphql_api.resources import Resources, resources_of
from graphql_api.settings import Settings

log = logging.getLogger(__name__)

LOST_CODE = "SNAPSHOT_LOST"
BATCH = 100


async def lost_snapshots(
    session: AsyncSession, settings: Settings, now: dt.datetime
) -> list[LibrarySnapshot]:
    """Active snapshots whose lease ran out (or, never leased, queued for a lease's time)."""
    silent_since = now - dt.timedelta(seconds=settings.snapshot_lease_s)
    statement = (
        select(LibrarySnapshot)
        .where(
            LibrarySnapshot.status.in_(ACTIVE),
            or_(
                LibrarySnapshot.lease_until <= now,
                and_(
                    LibrarySnapshot.lease_until.is_(None),
                    LibrarySnapshot.created_at <= silent_since,
                ),
            ),
        )
        .order_by(LibrarySnapshot.id)
        .limit(BATCH)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Two sweeps at once (two workers) take different rows.
        statement = statement.with_for_update(skip_locked=True)
    return list(await session.scalars(statement))


def _recover(
    uow: UnitOfWork, resources: Resources, snapshot: LibrarySnapshot, now: dt.datetime
) -> None:
    settings = resources.settings
    if snapshot.attempts >= settings.snapshot_max_attempts:
        snapshot.status = SnapshotStatus.FAILED
        snapshot.error_code = LOST_CODE
        snapshot.error_message = (
            f"Saving stopped {snapshot.attempts} times without finishing; try again."
        )
        snapshot.finished_at, snapshot.lease_until = now, None

        async def published() -> None:
            await publish_state(resources, snapshot)

        uow.after_commit(published)
        return
    snapshot.status = SnapshotStatus.QUEUED
    snapshot.lease_until = lease_expiry(settings, now)
    # A new job id: the lost job's id may still be held by the queue (arq keeps a
    # killed worker's job until its timeout).
    job_id = f"{job_id_of(snapshot)}:try{snapshot.attempts + 1}"
    snapshot_id = snapshot.id

    async def enqueue() -> None:
        await resources.queue.enqueue(JOB_NAME, snapshot_id, job_id=job_id)

    uow.after_commit(enqueue)


async def sweep(resources: Resources) -> int:
    """Re-queue (or fail) every lost snapshot; returns how many were found."""
    now = utcnow()
    async with unit_of_work(resources.sessionmaker) as uow:
        lost = await lost_snapshots(uow.session, resources.settings, now)
        for snapshot in lost:
            _recover(uow, resources, snapshot, now)
    for snapshot in lost:
        log.warning(
            "snapshot %s lost after %s attempt(s): %s",
            snapshot.id,
            snapshot.attempts,
            "failed" if snapshot.status is SnapshotStatus.FAILED else "queued again",
        )
    return len(lost)


async def recover_snapshots(ctx: JobContext) -> int:
    """Cron job: recover the snapshots whose lease ran out; returns how many."""
    return await sweep(resources_of(ctx))


def recovery_cron(settings: Settings) -> CronJob:
    """The arq ``CronJob`` running the sweep about every ``snapshot_recovery_interval_s``."""
    return every(recover_snapshots, settings.snapshot_recovery_interval_s)
