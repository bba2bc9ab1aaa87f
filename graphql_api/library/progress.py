"""Progress of a running snapshot: stored on its row and published on ``snapshot:{id}``.

Writes are throttled (a phase change always goes through) so that a job making
thousands of requests does not make thousands of progress writes.

``done``/``total`` count the current phase's own units (items listed, playlist items,
writes), so they restart at each phase. ``fraction`` is the overall progress, 0..1:
each phase owns a fixed slice of it (``PHASES``), filled as its units are done, and it
never goes back (a total that grows, or an attempt that starts over, keeps the highest
value reached).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import update

from graphql_api.db.models import LibrarySnapshot, SnapshotStatus
from graphql_api.library.lease import lease_expiry
from graphql_api.resources import Resources

MIN_INTERVAL_S = 0.25
# Each phase's slice of the overall fraction, in the order the job runs them.
PHASES = {"library": (0.0, 0.35), "playlist_items": (0.35, 0.9), "writing": (0.9, 1.0)}


def overall_fraction(phase: str | None, done: int, total: int) -> float:
    """Where ``done`` of ``total`` units of ``phase`` stands in the whole snapshot."""
    if phase == "done":
        return 1.0
    if phase not in PHASES:
        return 0.0
    start, end = PHASES[phase]
    share = 1.0 if total <= 0 else min(done, total) / total
    return start + (end - start) * share


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
            "fraction": snapshot.progress_fraction,
        },
    )


class ProgressReporter:
    """Counts done / total per phase for one snapshot."""

    def __init__(
        self,
        resources: Resources,
        snapshot: LibrarySnapshot,
        writing: asyncio.Lock | None = None,
    ) -> None:
        self.resources = resources
        self.snapshot = snapshot
        # The job's writes take turns (SQLite has one writer): progress waits for its turn
        # rather than for the database's busy timeout.
        self.writing = writing or asyncio.Lock()
        self.phase: str | None = None
        self.done = 0
        self.total = 0
        # Picks up where an earlier attempt of the same snapshot got to.
        self.fraction = snapshot.progress_fraction or 0.0
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
        self.fraction = max(self.fraction, overall_fraction(self.phase, self.done, self.total))
        values: dict[str, Any] = {
            "progress_fraction": self.fraction,
            "phase": self.phase,
            "progress_done": min(self.done, self.total),
            "progress_total": self.total,
            # Progress is a sign of life: it renews the running job's lease too.
            "lease_until": lease_expiry(self.resources.settings),
        }
        async with self.writing, self.resources.sessionmaker() as session:
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
        self.snapshot.progress_fraction = self.fraction
        await publish_state(self.resources, self.snapshot)
