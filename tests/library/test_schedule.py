"""Scheduled snapshots: due users get one, others do not; the in-process cron runs jobs."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import select, update

from graphql_api.db.models import LibrarySnapshot, SnapshotSchedule, User
from graphql_api.jobs.cron import in_process_cron
from graphql_api.library.schedule import due_users, snapshot_schedules
from graphql_api.resources import Resources
from spotify_emulator.testing import EmulatorHandle
from tests.support.spotify import linked_user

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)


async def _schedule(resources: Resources, user_id: int, schedule: SnapshotSchedule) -> None:
    async with resources.sessionmaker() as session:
        await session.execute(
            update(User).where(User.id == user_id).values(snapshot_schedule=schedule)
        )
        await session.commit()


async def _snapshot_at(resources: Resources, user_id: int, when: dt.datetime) -> None:
    async with resources.sessionmaker() as session:
        session.add(
            LibrarySnapshot(user_id=user_id, version=1, created_at=when, status="SUCCEEDED")
        )
        await session.commit()


async def test_due_users(library_resources: Resources, library_emulator: EmulatorHandle) -> None:
    daily = await linked_user(library_resources, library_emulator, "alice")
    weekly = await linked_user(library_resources, library_emulator, "bruno")
    await _schedule(library_resources, daily, SnapshotSchedule.DAILY)
    await _schedule(library_resources, weekly, SnapshotSchedule.WEEKLY)
    assert await due_users(library_resources, NOW) == [daily, weekly]
    await _snapshot_at(library_resources, daily, NOW - dt.timedelta(hours=2))
    await _snapshot_at(library_resources, weekly, NOW - dt.timedelta(days=3))
    assert await due_users(library_resources, NOW) == []
    assert await due_users(library_resources, NOW + dt.timedelta(days=1)) == [daily]
    assert await due_users(library_resources, NOW + dt.timedelta(days=5)) == [daily, weekly]
    await _schedule(library_resources, daily, SnapshotSchedule.OFF)
    assert await due_users(library_resources, NOW + dt.timedelta(days=5)) == [weekly]


async def test_cron_job_requests_and_runs_snapshots(
    library_resources: Resources, library_emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(library_resources, library_emulator, "alice")
    await _schedule(library_resources, user_id, SnapshotSchedule.WEEKLY)
    ctx: dict[str, Any] = {"resources": library_resources}
    assert await snapshot_schedules(ctx) == 1
    assert await snapshot_schedules(ctx) == 0  # the queued one counts
    await library_resources.queue.join()  # type: ignore[attr-defined]
    async with library_resources.sessionmaker() as session:
        rows = list(await session.scalars(select(LibrarySnapshot)))
    assert [(r.trigger, r.status.value) for r in rows] == [("schedule", "SUCCEEDED")]


class _Tick:
    def __init__(self) -> None:
        self.name = "tick"
        self.calls = 0
        self.next_run: dt.datetime | None = None
        self.thrice = asyncio.Event()

    def calculate_next(self, previous: dt.datetime) -> None:
        self.next_run = previous + dt.timedelta(milliseconds=10)

    async def coroutine(self, ctx: dict[str, Any]) -> None:
        self.calls += 1
        if self.calls == 3:
            self.thrice.set()


async def test_in_process_cron_runs_the_list(library_resources: Resources) -> None:
    tick = _Tick()
    async with in_process_cron({"resources": library_resources}, [tick]):
        await asyncio.wait_for(tick.thrice.wait(), timeout=10)
    assert tick.calls >= 3
