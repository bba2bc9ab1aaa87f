"""The import job: check every file, then write them file by file, batch by batch.

Order of work, so that a job killed at any moment, or stopped by a bad file, loses
nothing written and can be resumed:

1. *checking*: read each file once (count, hash, check the format and whose export it
   is). Nothing is written if the files belong to another Spotify user.
2. *writing*: per file, learn durations from its plays that ran to the end, then write
   its entries in batches; each batch commits its plays together with the file's
   ``entries_done``, so a resumed job starts after the last committed batch. A file
   whose content a finished import of this user already wrote is skipped.
3. SUCCEEDED, and the uploaded files are deleted. At a bad file the job stops FAILED
   with the file, the entry and the reason; what came before stays written.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update

from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    HistoryImport,
    HistoryImportFile,
    HistoryImportStatus,
    SpotifyAccount,
)
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import BadUserInput, MixtapeError
from graphql_api.history.formats import Entry
from graphql_api.history.imports import resumable
from graphql_api.history.progress import ImportProgress
from graphql_api.history.scan import FileScan, batches, learned_durations, scan_source
from graphql_api.history.sources import SourceFile
from graphql_api.history.writer import write_batch
from graphql_api.resources import Resources

log = logging.getLogger(__name__)
BATCH = 1000
TERMINAL = (HistoryImportStatus.SUCCEEDED, HistoryImportStatus.FAILED)
Watcher = Callable[[HistoryImport], None]


class LeaseLost(Exception):
    """Another attempt runs this import now: stop, write nothing more."""


@dataclass
class _Job:
    resources: Resources
    row: HistoryImport
    attempt: int
    progress: ImportProgress
    batch_size: int


def _source(file: HistoryImportFile) -> SourceFile:
    return SourceFile(name=file.name, path=file.path, member=file.member)


async def _claim(resources: Resources, import_id: int) -> tuple[HistoryImport, int] | None:
    async with unit_of_work(resources.sessionmaker) as uow:
        row = await uow.session.get(HistoryImport, import_id, with_for_update=True)
        if row is None:
            return None
        if row.status is not HistoryImportStatus.QUEUED and not (
            row.status is HistoryImportStatus.RUNNING and resumable(row, utcnow())
        ):
            return None
        row.status = HistoryImportStatus.RUNNING
        row.attempts = (row.attempts or 0) + 1
        row.lease_until = ImportProgress.lease(resources.settings)
        return row, row.attempts


async def run_import(
    resources: Resources,
    import_id: int,
    *,
    watch: Watcher | None = None,
    batch_size: int = BATCH,
) -> HistoryImportStatus | None:
    """Run (or resume) import ``import_id``; returns its status afterwards. An import
    another job runs under a live lease, or one finished, is left alone."""
    claimed = await _claim(resources, import_id)
    if claimed is None:
        async with resources.reader() as session:
            row = await session.get(HistoryImport, import_id)
        return row.status if row is not None else None
    row, attempt = claimed
    job = _Job(resources, row, attempt, ImportProgress(resources, row, attempt, watch), batch_size)
    try:
        await _check(job)
        await _write(job)
    except LeaseLost:
        return HistoryImportStatus.RUNNING
    except MixtapeError as error:
        await job.progress.finish(HistoryImportStatus.FAILED, error.code, error.message)
        return HistoryImportStatus.FAILED
    except Exception:
        log.exception("history import %s failed", import_id)
        await job.progress.finish(
            HistoryImportStatus.FAILED,
            "INTERNAL_SERVER_ERROR",
            "The import stopped on an unexpected error; resume it to carry on.",
        )
        return HistoryImportStatus.FAILED
    await job.progress.finish(HistoryImportStatus.SUCCEEDED)
    if row.upload_dir:
        await asyncio.to_thread(shutil.rmtree, Path(row.upload_dir), True)
    return HistoryImportStatus.SUCCEEDED


async def _files(job: _Job) -> list[HistoryImportFile]:
    async with job.resources.sessionmaker() as session:
        rows = await session.scalars(
            select(HistoryImportFile)
            .where(HistoryImportFile.import_id == job.row.id)
            .order_by(HistoryImportFile.position)
        )
        return list(rows)


async def _expected_username(job: _Job) -> str | None:
    """Whose export this must be: the linked Spotify account, else the user's earlier imports."""
    async with job.resources.reader() as session:
        account = await session.get(SpotifyAccount, job.row.user_id)
        if account is not None:
            return account.spotify_user_id
        return await session.scalar(
            select(HistoryImport.spotify_username)
            .where(
                HistoryImport.user_id == job.row.user_id,
                HistoryImport.spotify_username.is_not(None),
                HistoryImport.id != job.row.id,
            )
            .limit(1)
        )


async def _check(job: _Job) -> None:
    files = [f for f in await _files(job) if not f.done]
    await job.progress.phase("checking", len(files))
    usernames: set[str] = set()
    scans: dict[int, FileScan] = {}
    for file in files:
        scan = await asyncio.to_thread(scan_source, _source(file))
        scans[file.id] = scan
        usernames |= scan.usernames
        await job.progress.advance(1)
        if scan.error is not None:
            break  # what follows a bad file is not read: the job stops there
    if len(usernames) > 1:
        raise BadUserInput(
            "These files come from several Spotify accounts: "
            + ", ".join(sorted(usernames))
            + ". Import one person's export at a time.",
            reason="SEVERAL_USERS",
        )
    username = next(iter(usernames), None)
    expected = await _expected_username(job)
    if username is not None and expected is not None and username != expected:
        raise BadUserInput(
            f"This export belongs to the Spotify user {username!r}, not to yours "
            f"({expected!r}). Import your own export.",
            reason="ANOTHER_USERS_EXPORT",
        )
    async with unit_of_work(job.resources.sessionmaker) as uow:
        for file_id, scan in scans.items():
            await uow.session.execute(
                update(HistoryImportFile)
                .where(HistoryImportFile.id == file_id)
                .values(
                    sha256=scan.sha256 if scan.error is None else None, entries_total=scan.entries
                )
            )
        if username is not None:
            await uow.session.execute(
                update(HistoryImport)
                .where(HistoryImport.id == job.row.id)
                .values(spotify_username=username)
            )


async def _written_before(job: _Job, sha256: str | None) -> bool:
    """Whether another import of this user wrote a file with this content whole."""
    if sha256 is None:
        return False
    async with job.resources.reader() as session:
        found = await session.scalar(
            select(HistoryImportFile.id)
            .join(HistoryImport, HistoryImport.id == HistoryImportFile.import_id)
            .where(
                HistoryImport.user_id == job.row.user_id,
                HistoryImportFile.sha256 == sha256,
                HistoryImportFile.done.is_(True),
                HistoryImportFile.import_id != job.row.id,
            )
            .limit(1)
        )
    return found is not None


async def _write(job: _Job) -> None:
    files = [f for f in await _files(job) if not f.done]
    remaining = sum(max(0, (f.entries_total or 0) - f.entries_done) for f in files)
    await job.progress.phase("writing", remaining)
    for file in files:
        if await _written_before(job, file.sha256):
            await job.progress.file_done(file, skipped=True)
            continue
        source = _source(file)
        learned = await asyncio.to_thread(learned_durations, source)
        entries = batches(source, file.entries_done, job.batch_size)
        try:
            while (batch := await asyncio.to_thread(_next, entries)) is not None:
                await _write_batch(job, file, batch, learned)
        finally:
            await asyncio.to_thread(entries.close)
        await job.progress.file_done(file)


def _next(entries: Generator[list[Entry]]) -> list[Entry] | None:
    return next(entries, None)


async def _write_batch(
    job: _Job, file: HistoryImportFile, batch: list[Entry], learned: dict[str, int]
) -> None:
    async with unit_of_work(job.resources.sessionmaker) as uow:
        result = await write_batch(uow.session, job.row.user_id, batch, learned)
        file.entries_done += len(batch)
        await uow.session.execute(
            update(HistoryImportFile)
            .where(HistoryImportFile.id == file.id)
            .values(entries_done=file.entries_done)
        )
        if not await job.progress.count(uow.session, result, len(batch)):
            raise LeaseLost()
    await job.progress.published()
