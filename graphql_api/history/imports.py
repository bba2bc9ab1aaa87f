"""Imports as a user asks for them: start one over some files, find them, resume one."""

from __future__ import annotations

import datetime as dt
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import HistoryImport, HistoryImportFile, HistoryImportStatus
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import Conflict, NotFound
from graphql_api.history.sources import SourceFile
from graphql_api.jobs.base import JobQueue

JOB_NAME = "import_history"
ACTIVE = (HistoryImportStatus.QUEUED, HistoryImportStatus.RUNNING)


def job_id_of(row: HistoryImport) -> str:
    """One job per import and attempt; the creation time keeps ids apart across databases
    sharing a Redis (arq keeps results under the job id)."""
    created = int(row.created_at.timestamp() * 1_000_000)
    return f"history-import:{row.id}:{created}:{row.attempts}"


async def _enqueue(queue: JobQueue, row: HistoryImport) -> None:
    await queue.enqueue(JOB_NAME, row.id, job_id=job_id_of(row))


async def create_import(
    uow: UnitOfWork,
    queue: JobQueue | None,
    user_id: int,
    sources: list[SourceFile],
    *,
    upload_dir: str | None = None,
) -> HistoryImport:
    """A QUEUED import of ``sources`` for ``user_id``; its job is queued after the commit
    (``queue`` None: the caller runs it, as the command line does)."""
    row = HistoryImport(
        user_id=user_id,
        status=HistoryImportStatus.QUEUED,
        upload_dir=upload_dir,
        created_at=utcnow(),
        progress_done=0,
        progress_total=0,
        attempts=0,
    )
    uow.session.add(row)
    await uow.session.flush()
    uow.session.add_all(
        HistoryImportFile(
            import_id=row.id, position=n, name=s.name, path=s.path, member=s.member, entries_done=0
        )
        for n, s in enumerate(sources)
    )
    await uow.session.flush()
    if queue is not None:
        uow.after_commit(partial(_enqueue, queue, row))
    return row


async def import_of(session: AsyncSession, user_id: int, import_id: int) -> HistoryImport | None:
    """``import_id`` when it belongs to ``user_id``."""
    row = await session.get(HistoryImport, import_id)
    return row if row is not None and row.user_id == user_id else None


async def imports_of(
    session: AsyncSession, user_id: int, offset: int, limit: int
) -> tuple[list[HistoryImport], int]:
    """``user_id``'s imports, newest first: one page and the total."""
    total = await session.scalar(
        select(func.count()).select_from(HistoryImport).where(HistoryImport.user_id == user_id)
    )
    rows = await session.scalars(
        select(HistoryImport)
        .where(HistoryImport.user_id == user_id)
        .order_by(HistoryImport.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total or 0)


def resumable(row: HistoryImport, now: dt.datetime) -> bool:
    """A failed import, or a running one whose job went silent (its lease ran out)."""
    if row.status is HistoryImportStatus.FAILED:
        return True
    return row.status is HistoryImportStatus.RUNNING and (
        row.lease_until is None or row.lease_until <= now
    )


async def resume_import(
    uow: UnitOfWork, queue: JobQueue, user_id: int, import_id: int
) -> HistoryImport:
    """Run ``import_id`` again from where it stopped (files written are not read again)."""
    row = await uow.session.get(HistoryImport, import_id, with_for_update=True)
    if row is None or row.user_id != user_id:
        raise NotFound("No such history import.")
    if row.status is HistoryImportStatus.SUCCEEDED:
        raise Conflict("This import has finished.", status=row.status.value)
    if row.status is HistoryImportStatus.QUEUED:
        uow.after_commit(partial(_enqueue, queue, row))
        return row
    if not resumable(row, utcnow()):
        raise Conflict("This import is running.", status=row.status.value)
    row.status = HistoryImportStatus.QUEUED
    row.error_code = row.error_message = None
    row.lease_until = None
    await uow.session.flush()
    uow.after_commit(partial(_enqueue, queue, row))
    return row
