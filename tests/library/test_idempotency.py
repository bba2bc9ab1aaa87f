"""Idempotency of the snapshot job: killed and retried, or run on an unchanged library."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from typing import Any

from sqlalchemy import func, select

from graphql_api.composition import open_app_resources
from graphql_api.db.base import utcnow
from graphql_api.db.models import LibrarySnapshot, PlaylistItem, SnapshotStatus
from graphql_api.library.runner import TERMINAL, run_snapshot
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.state import dump_state
from tests.library.test_runner import new_snapshot
from tests.support.job_process import start_job
from tests.support.spotify import linked_user


def held_items_path(fixture: dict[str, Any]) -> str:
    """The items of alice's biggest playlist: while the emulator holds them (its `hold_path`
    knob), a snapshot stays in its items phase, however fast or slow the machine is."""
    playlists = [p for p in fixture["users"][0]["playlists"] if p.get("playlist") and p["items"]]
    biggest = max(playlists, key=lambda p: len(p["items"]))
    return f"/playlists/{biggest['playlist']['id']}/items"


async def wait_for_items_phase(
    resources: Resources, snapshot_id: int, job: asyncio.subprocess.Process
) -> None:
    """Until some playlists' items are stored (another's are held at the emulator)."""
    while True:
        assert job.returncode is None, f"the job's process ended ({job.returncode})"
        async with resources.sessionmaker() as session:
            snapshot = await session.get(LibrarySnapshot, snapshot_id)
            stored = await session.scalar(select(func.count()).select_from(PlaylistItem))
        assert snapshot is not None
        assert snapshot.status not in TERMINAL, f"the snapshot ended: {snapshot.status}"
        if snapshot.phase == "playlist_items" and stored:
            return
        await asyncio.sleep(0.02)


async def test_killed_job_retried_equals_uninterrupted_run(
    library_resources: Resources,
    library_settings: Settings,
    library_emulator: EmulatorHandle,
    library_fixture: dict[str, Any],
    other_database_url: str,
) -> None:
    # The reference: an uninterrupted run in a database of its own.
    reference_settings = library_settings.model_copy(update={"database_url": other_database_url})
    async with open_app_resources(reference_settings) as reference:
        user_id = await linked_user(reference, library_emulator, "alice")
        snapshot_id = await new_snapshot(reference, user_id)
        assert await run_snapshot(reference, snapshot_id) is SnapshotStatus.SUCCEEDED
        expected = await dump_state(reference.sessionmaker)

    # Hold one playlist's items so the items phase lasts, then kill the worker inside it.
    await library_emulator.configure(hold_path=held_items_path(library_fixture))
    user_id = await linked_user(library_resources, library_emulator, "alice")
    snapshot_id = await new_snapshot(library_resources, user_id)
    job = await start_job(library_settings, "graphql_api.library.runner:run_snapshot", snapshot_id)
    try:
        await wait_for_items_phase(library_resources, snapshot_id, job)
    finally:
        if job.returncode is None:
            job.send_signal(signal.SIGKILL)
        returncode = await job.wait()
    async with library_resources.sessionmaker() as session:
        state = await session.get(LibrarySnapshot, snapshot_id)
    assert returncode == -signal.SIGKILL, f"the job ended before it could be killed: {vars(state)}"
    async with library_resources.sessionmaker() as session:
        interrupted = await session.get(LibrarySnapshot, snapshot_id)
        assert interrupted is not None
        assert interrupted.status is SnapshotStatus.RUNNING
        # As when its lease has run out (tests/library/test_recovery.py waits for that).
        interrupted.lease_until = utcnow() - dt.timedelta(seconds=1)
        await session.commit()
    await library_emulator.configure(hold_path=None)

    assert await run_snapshot(library_resources, snapshot_id) is SnapshotStatus.SUCCEEDED
    assert await dump_state(library_resources.sessionmaker) == expected
    # Delivered once more after success: nothing happens.
    assert await run_snapshot(library_resources, snapshot_id) is SnapshotStatus.SUCCEEDED
    assert await dump_state(library_resources.sessionmaker) == expected


async def test_unchanged_library_writes_no_rows(
    library_resources: Resources, library_emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(library_resources, library_emulator, "alice")
    first = await new_snapshot(library_resources, user_id)
    assert await run_snapshot(library_resources, first) is SnapshotStatus.SUCCEEDED
    before = await dump_state(library_resources.sessionmaker)
    await library_emulator.reset_stats()
    second = await new_snapshot(library_resources, user_id)
    assert await run_snapshot(library_resources, second) is SnapshotStatus.SUCCEEDED
    assert await dump_state(library_resources.sessionmaker) == before
    stats = await library_emulator.stats()
    # Unchanged playlists (same snapshot_id) are not fetched again.
    assert _paths(stats), stats
    assert not any("/items" in path for path in _paths(stats)), stats


def _paths(stats: dict[str, Any]) -> list[str]:
    return list(stats["endpoints"])
