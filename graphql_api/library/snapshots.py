"""Snapshots as a user asks for them: request one, find one, list them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import LibrarySnapshot, SnapshotStatus
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import Conflict
from graphql_api.jobs.base import JobQueue

JOB_NAME = "snapshot_library"
ACTIVE = (SnapshotStatus.QUEUED, SnapshotStatus.RUNNING)
CREATE_ATTEMPTS = 3


def job_id_of(snapshot: LibrarySnapshot) -> str:
    """The queue's job id: one job per snapshot; one active snapshot per user is the DB's.

    arq keeps results under ``arq:result:<job id>`` whatever the queue, so the id also
    carries the row's creation time: databases sharing one Redis never collide.
    """
    created = int(snapshot.created_at.timestamp() * 1_000_000)
    return f"snapshot:{snapshot.user_id}:{snapshot.version}:{created}"


async def active_snapshot(session: AsyncSession, user_id: int) -> LibrarySnapshot | None:
    """The user's queued or running snapshot, if any."""
    statement = (
        select(LibrarySnapshot)
        .where(LibrarySnapshot.user_id == user_id, LibrarySnapshot.status.in_(ACTIVE))
        .order_by(LibrarySnapshot.version.desc())
        .limit(1)
    )
    return (await session.scalars(statement)).first()


async def request_snapshot(
    uow: UnitOfWork, queue: JobQueue, user_id: int, *, trigger: str = "manual"
) -> LibrarySnapshot:
    """A new QUEUED snapshot whose job is enqueued after the commit.

    A user never has two snapshots running: when one is queued or running already it
    is returned instead (and enqueued again, harmlessly, in case its job was lost).
    """
    session = uow.session
    for _attempt in range(CREATE_ATTEMPTS):
        snapshot = await active_snapshot(session, user_id)
        if snapshot is not None:
            break
        snapshot = await _create(session, user_id, trigger)
        if snapshot is not None:
            break
    else:
        raise Conflict("Another snapshot was being created at the same moment; try again.")
    queued = snapshot

    async def enqueue() -> None:
        await queue.enqueue(JOB_NAME, queued.id, job_id=job_id_of(queued))

    uow.after_commit(enqueue)
    return snapshot


async def _create(session: AsyncSession, user_id: int, trigger: str) -> LibrarySnapshot | None:
    """Insert the next version; None when a concurrent request took that version first
    (the unique (user, version) constraint decides, on every backend)."""
    latest = await session.scalar(
        select(func.max(LibrarySnapshot.version)).where(LibrarySnapshot.user_id == user_id)
    )
    snapshot = LibrarySnapshot(
        user_id=user_id,
        version=(latest or 0) + 1,
        status=SnapshotStatus.QUEUED,
        trigger=trigger,
        progress_done=0,
        progress_total=0,
    )
    try:
        async with session.begin_nested():
            session.add(snapshot)
    except IntegrityError:
        return None
    return snapshot


async def snapshot_of(
    session: AsyncSession, user_id: int, snapshot_id: int
) -> LibrarySnapshot | None:
    """``snapshot_id`` when it belongs to ``user_id``."""
    snapshot = await session.get(LibrarySnapshot, snapshot_id)
    return snapshot if snapshot is not None and snapshot.user_id == user_id else None


async def latest_succeeded(session: AsyncSession, user_id: int) -> LibrarySnapshot | None:
    """The user's newest complete snapshot: what ``viewer.library`` shows."""
    statement = (
        select(LibrarySnapshot)
        .where(
            LibrarySnapshot.user_id == user_id,
            LibrarySnapshot.status == SnapshotStatus.SUCCEEDED,
        )
        .order_by(LibrarySnapshot.version.desc())
        .limit(1)
    )
    return (await session.scalars(statement)).first()
