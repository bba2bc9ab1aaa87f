"""Restores as a user asks for them: start one, find them, resume one."""

from __future__ import annotations

import datetime as dt
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    LibrarySnapshot,
    Restore,
    RestoreMode,
    RestoreStatus,
    SnapshotStatus,
    SpotifyAccount,
)
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import BadUserInput, Conflict, NotFound, SpotifyRelinkRequired
from graphql_api.jobs.base import JobQueue
from graphql_api.restore.sections import Section, section_list

JOB_NAME = "restore_snapshot"
ACTIVE = (RestoreStatus.QUEUED, RestoreStatus.RUNNING)


def job_id_of(row: Restore) -> str:
    """One job per restore and attempt; the creation time keeps ids apart across databases
    sharing a Redis (arq keeps results under the job id)."""
    created = int(row.created_at.timestamp() * 1_000_000)
    return f"restore:{row.id}:{created}:{row.attempts}"


async def _enqueue(queue: JobQueue, row: Restore) -> None:
    await queue.enqueue(JOB_NAME, row.id, job_id=job_id_of(row))


def claimable(row: Restore, now: dt.datetime) -> bool:
    """Queued, or running under a lease that ran out (its job died)."""
    if row.status is RestoreStatus.QUEUED:
        return True
    return row.status is RestoreStatus.RUNNING and (
        row.lease_until is None or row.lease_until <= now
    )


async def create_restore(
    uow: UnitOfWork,
    queue: JobQueue,
    user_id: int,
    snapshot_id: int,
    sections: list[Section],
    mode: RestoreMode,
    *,
    dry_run: bool,
) -> Restore:
    """A QUEUED restore of one of ``user_id``'s snapshots; its job is queued after the
    commit. NOT_FOUND for anyone else's snapshot, SPOTIFY_RELINK_REQUIRED without a linked
    account, CONFLICT while another restore of the user is queued or running."""
    session = uow.session
    chosen = section_list(sections)
    snapshot = await session.get(LibrarySnapshot, snapshot_id)
    if snapshot is None or snapshot.user_id != user_id:
        raise NotFound("No such snapshot.")
    if snapshot.status is not SnapshotStatus.SUCCEEDED:
        raise BadUserInput("Only a successful snapshot can be restored.", argument="id")
    if await session.get(SpotifyAccount, user_id) is None:
        raise SpotifyRelinkRequired("Link your Spotify account to restore a snapshot.")
    row = Restore(
        user_id=user_id,
        snapshot_id=snapshot_id,
        sections=",".join(s.value for s in chosen),
        mode=mode,
        dry_run=dry_run,
        status=RestoreStatus.QUEUED,
        created_at=utcnow(),
        progress_done=0,
        progress_total=0,
        progress_fraction=0.0,
        attempts=0,
    )
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # The partial unique index: one queued or running restore per user.
        raise Conflict("Another restore of yours is queued or running.") from None
    uow.after_commit(partial(_enqueue, queue, row))
    return row


async def restore_of(session: AsyncSession, user_id: int, restore_id: int) -> Restore | None:
    """``restore_id`` when it belongs to ``user_id``."""
    row = await session.get(Restore, restore_id)
    return row if row is not None and row.user_id == user_id else None


async def restores_of(
    session: AsyncSession, user_id: int, offset: int, limit: int
) -> tuple[list[Restore], int]:
    """``user_id``'s restores, newest first: one page and the total."""
    total = await session.scalar(
        select(func.count()).select_from(Restore).where(Restore.user_id == user_id)
    )
    rows = await session.scalars(
        select(Restore)
        .where(Restore.user_id == user_id)
        .order_by(Restore.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total or 0)


async def resume_restore(
    uow: UnitOfWork, queue: JobQueue, user_id: int, restore_id: int
) -> Restore:
    """Run a failed (or stalled) restore again: it compares again and writes what is
    still missing; playlists it recreated are continued, never made twice."""
    row = await uow.session.get(Restore, restore_id, with_for_update=True)
    if row is None or row.user_id != user_id:
        raise NotFound("No such restore.")
    if row.status is RestoreStatus.SUCCEEDED:
        raise Conflict("This restore has finished.", status=row.status.value)
    if row.status is RestoreStatus.QUEUED:
        uow.after_commit(partial(_enqueue, queue, row))
        return row
    if row.status is RestoreStatus.RUNNING and not claimable(row, utcnow()):
        raise Conflict("This restore is running.", status=row.status.value)
    row.status = RestoreStatus.QUEUED
    row.error_code = row.error_message = None
    row.lease_until = None
    try:
        await uow.session.flush()
    except IntegrityError:
        raise Conflict("Another restore of yours is queued or running.") from None
    uow.after_commit(partial(_enqueue, queue, row))
    return row
