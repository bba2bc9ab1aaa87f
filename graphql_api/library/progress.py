"""Progress of a running snapshot: stored on its row and published on ``snapshot:{id}``.

Writes are throttled (a phase change always goes through) so that a job making
thousands of requests does not make thousands of progress writes.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import update

from graphql_api.db.models import LibrarySnapshot, SnapshotStatus
from graphql_api.library.lease import lease_expiry
from graphql_api.resources import Resources

MIN_INTERVAL_S = 0.25


def channel_of(snapshot_id: int) -> str:
    """The pub/sub channel a snapshot's status and progress are published on."""
    return f"snapshot:{snapshot_id}"


async def publish_state(resources: Resources, snapshot: LibrarySnapshot) -> None:
    """Tell subscribers that ``snapshot`` changed (they reload it)."""
    await resources.pubsub.publish(
        channel_of(snapshot.id),
        {
            "id": snapshot.id,
            "status": snapshot.status.value,
            "phase": snapshot.phase,
            "done": snapshot.progress_done,
            "total": snapshot.progress_total,
        },
    )


class ProgressReporter:
    """Counts done / total per phase for one snapshot."""

    def __init__(self, resources: Resources, snapshot: LibrarySnapshot) -> None:
        self.resources = resources
        self.snapshot = snapshot
        self.phase: str | None = None
        self.done = 0
        self.total = 0
        self._written_at = 0.0

    async def start(self, phase: str, total: int) -> None:
        """Enter ``phase`` with ``total`` units of work to do."""
        self.phase, self.done, self.total = phase, 0, total
        await self._flush(force=True)

    async def add_total(self, more: int) -> None:
        self.total += more
        await self._flush()

    async def advance(self, count: int) -> None:
        self.done += count
        await self._flush(force=self.done >= self.total)

    async def _flush(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._written_at < MIN_INTERVAL_S:
            return
        self._written_at = now
        values: dict[str, Any] = {
            "phase": self.phase,
            "progress_done": min(self.done, self.total),
            "progress_total": self.total,
            # Progress is a sign of life: it renews the running job's lease too.
            "lease_until": lease_expiry(self.resources.settings),
        }
        async with self.resources.sessionmaker() as session:
            await session.execute(
                update(LibrarySnapshot)
                .where(
                    LibrarySnapshot.id == self.snapshot.id,
                    LibrarySnapshot.status == SnapshotStatus.RUNNING,
                    LibrarySnapshot.attempts == self.snapshot.attempts,
                )
                .values(values)
            )
            await session.commit()
        self.snapshot.phase = self.phase
        self.snapshot.progress_done = values["progress_done"]
        self.snapshot.progress_total = self.total
        await publish_state(self.resources, self.snapshot)
