"""Progress of a running import: on its row (with the counts so far) and published on
``history-import:{id}``. The counts are written in each batch's own transaction, so they
always match the plays committed; the rest is throttled.

``fraction`` is the whole import's progress, 0..1: *checking* the files owns the first
5 %, *writing* them the rest, by entries.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import HistoryImport, HistoryImportFile, HistoryImportStatus
from graphql_api.history.writer import BatchResult
from graphql_api.resources import Resources
from graphql_api.settings import Settings

MIN_INTERVAL_S = 0.25
PHASES = {"checking": (0.0, 0.05), "writing": (0.05, 1.0)}
_COUNTS = ("plays_added", "plays_merged", "skips_added", "songs_created")


def channel_of(import_id: int) -> str:
    """The pub/sub channel an import's status and progress are published on."""
    return f"history-import:{import_id}"


class ImportProgress:
    """Phase, done / total and the counts of one import attempt."""

    def __init__(
        self,
        resources: Resources,
        row: HistoryImport,
        attempt: int,
        watch: Callable[[HistoryImport], None] | None = None,
    ) -> None:
        self.resources = resources
        self.row = row
        self.attempt = attempt
        self.watch = watch
        self._shown_at = 0.0

    @staticmethod
    def lease(settings: Settings) -> dt.datetime:
        return utcnow() + dt.timedelta(seconds=settings.history_lease_s)

    def _fraction(self) -> float:
        start, end = PHASES.get(self.row.phase or "", (0.0, 0.0))
        total = self.row.progress_total
        share = 1.0 if total <= 0 else min(self.row.progress_done, total) / total
        return max(self.row.progress_fraction or 0.0, start + (end - start) * share)

    def _owned(self) -> Any:
        return (
            (HistoryImport.id == self.row.id)
            & (HistoryImport.status == HistoryImportStatus.RUNNING)
            & (HistoryImport.attempts == self.attempt)
        )

    async def _write(self, values: dict[str, Any]) -> None:
        async with self.resources.sessionmaker() as session:
            await session.execute(update(HistoryImport).where(self._owned()).values(values))
            await session.commit()

    def _progress_values(self) -> dict[str, Any]:
        self.row.progress_fraction = self._fraction()
        return {
            "phase": self.row.phase,
            "progress_done": self.row.progress_done,
            "progress_total": self.row.progress_total,
            "progress_fraction": self.row.progress_fraction,
            "lease_until": self.lease(self.resources.settings),
        }

    async def phase(self, name: str, total: int) -> None:
        """Enter phase ``name`` with ``total`` units to do."""
        self.row.phase, self.row.progress_done, self.row.progress_total = name, 0, total
        await self._write(self._progress_values())
        await self.published(force=True)

    async def advance(self, count: int) -> None:
        self.row.progress_done += count
        await self._write(self._progress_values())
        await self.published()

    async def count(self, session: AsyncSession, result: BatchResult, entries: int) -> bool:
        """Add a batch's counts in its own transaction; False when this attempt no longer
        owns the import (then the caller rolls the batch back)."""
        self.row.progress_done += entries
        values = self._progress_values()
        for name in _COUNTS:
            values[name] = getattr(HistoryImport, name) + getattr(result, name)
            setattr(self.row, name, getattr(self.row, name) + getattr(result, name))
        values["entries_read"] = HistoryImport.entries_read + entries
        values["entries_ignored"] = HistoryImport.entries_ignored + result.ignored
        self.row.entries_read += entries
        self.row.entries_ignored += result.ignored
        outcome = await session.execute(update(HistoryImport).where(self._owned()).values(values))
        return bool(getattr(outcome, "rowcount", 0))

    async def file_done(self, file: HistoryImportFile, *, skipped: bool = False) -> None:
        """``file`` is written whole (or was already, by another import: ``skipped``)."""
        async with self.resources.sessionmaker() as session:
            await session.execute(
                update(HistoryImportFile).where(HistoryImportFile.id == file.id).values(done=True)
            )
            await session.commit()
        if skipped:
            await self.advance(max(0, (file.entries_total or 0) - file.entries_done))

    async def finish(
        self, status: HistoryImportStatus, code: str | None = None, message: str | None = None
    ) -> None:
        self.row.status = status
        self.row.error_code, self.row.error_message = code, message
        values: dict[str, Any] = {
            "status": status,
            "error_code": code,
            "error_message": message,
            "finished_at": utcnow(),
            "lease_until": None,
        }
        if status is HistoryImportStatus.SUCCEEDED:
            self.row.phase, self.row.progress_fraction = "done", 1.0
            values |= {"phase": "done", "progress_fraction": 1.0}
        await self._write(values)
        await self.published(force=True)

    async def published(self, *, force: bool = False) -> None:
        """Tell subscribers and the watcher (throttled unless ``force``)."""
        now = time.monotonic()
        if not force and now - self._shown_at < MIN_INTERVAL_S:
            return
        self._shown_at = now
        if self.watch is not None:
            self.watch(self.row)
        await self.resources.pubsub.publish(
            channel_of(self.row.id),
            {
                "id": self.row.id,
                "status": self.row.status.value,
                "phase": self.row.phase,
                "done": self.row.progress_done,
                "total": self.row.progress_total,
                "fraction": self.row.progress_fraction,
            },
        )
