"""Lost snapshots recover by themselves: leases, the recovery sweep, and killed processes."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from graphql_api.composition import open_app_resources
from graphql_api.db.base import utcnow
from graphql_api.db.models import LibrarySnapshot, SavedTrack, SnapshotStatus
from graphql_api.db.uow import unit_of_work
from graphql_api.library.lease import heartbeat, renew
from graphql_api.library.progress import channel_of
from graphql_api.library.recovery import LOST_CODE, sweep
from graphql_api.library.runner import run_snapshot
from graphql_api.library.snapshots import request_snapshot
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.conftest import login, running_snapshot
from tests.library.state import dump_state
from tests.library.test_arq_worker import _environment
from tests.library.test_graphql import SAVE, WATCH
from tests.library.test_idempotency import held_items_path, wait_for_items_phase
from tests.library.test_runner import new_snapshot
from tests.support.graphql_client import GraphQLClient
from tests.support.spotify import linked_user

ROOT = Path(__file__).resolve().parents[2]
# Short leases and a sweep every second, so that a lost job is found within seconds.
FAST = {"snapshot_lease_s": 3.0, "snapshot_recovery_interval_s": 1, "snapshot_max_attempts": 5}


@pytest.fixture
def library_fixture(library_fixture: dict[str, Any]) -> dict[str, Any]:
    """Alice plays, and played, only tracks she saved: the poller running beside her
    snapshot adds no song the reference run (without a poller) lacks."""
    alice = library_fixture["users"][0]
    saved = [entry["track"] for entry in alice["saved_tracks"]]
    alice["recently_played"] = [
        {**played, "track": saved[n % len(saved)], "context": None}
        for n, played in enumerate(alice["recently_played"])
    ]
    if alice.get("player"):
        alice["player"] = {**alice["player"], "item": saved[0], "context": None}
    return library_fixture


@pytest.fixture
def fast_settings(library_settings: Settings) -> Settings:
    return library_settings.model_copy(update=FAST)


@pytest.fixture
async def fast_resources(fast_settings: Settings) -> AsyncIterator[Resources]:
    async with open_app_resources(fast_settings) as built:
        yield built


async def _set(resources: Resources, snapshot_id: int, **values: Any) -> None:
    async with resources.sessionmaker() as session:
        snapshot = await session.get(LibrarySnapshot, snapshot_id)
        assert snapshot is not None
        for key, value in values.items():
            setattr(snapshot, key, value)
        await session.commit()


async def _get(resources: Resources, snapshot_id: int) -> LibrarySnapshot:
    async with resources.sessionmaker() as session:
        snapshot = await session.get(LibrarySnapshot, snapshot_id)
    assert snapshot is not None
    return snapshot


def _ago(seconds: float) -> dt.datetime:
    return utcnow() - dt.timedelta(seconds=seconds)


async def test_sweep_requeues_a_running_snapshot_whose_lease_ran_out_and_it_succeeds(
    library_resources: Resources, library_emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(library_resources, library_emulator, "alice")
    snapshot_id = await new_snapshot(library_resources, user_id)
    await _set(
        library_resources,
        snapshot_id,
        status=SnapshotStatus.RUNNING,
        attempts=1,
        lease_until=_ago(1),
    )
    assert await sweep(library_resources) == 1
    await library_resources.queue.join()  # type: ignore[attr-defined]
    recovered = await _get(library_resources, snapshot_id)
    assert recovered.status is SnapshotStatus.SUCCEEDED
    assert recovered.attempts == 2
    assert recovered.lease_until is None


async def test_sweep_requeues_a_queued_snapshot_whose_job_was_never_enqueued(
    library_resources: Resources, library_emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(library_resources, library_emulator, "alice")
    snapshot_id = await new_snapshot(library_resources, user_id)  # committed, never enqueued
    lease = library_resources.settings.snapshot_lease_s
    await _set(library_resources, snapshot_id, created_at=_ago(lease + 1))
    assert await sweep(library_resources) == 1
    await library_resources.queue.join()  # type: ignore[attr-defined]
    assert (await _get(library_resources, snapshot_id)).status is SnapshotStatus.SUCCEEDED


async def test_sweep_fails_a_snapshot_lost_max_attempts_times_with_snapshot_lost(
    library_resources: Resources, library_emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(library_resources, library_emulator, "alice")
    snapshot_id = await new_snapshot(library_resources, user_id)
    attempts = library_resources.settings.snapshot_max_attempts
    await _set(
        library_resources,
        snapshot_id,
        status=SnapshotStatus.RUNNING,
        attempts=attempts,
        lease_until=_ago(1),
    )
    assert await sweep(library_resources) == 1
    failed = await _get(library_resources, snapshot_id)
    assert failed.status is SnapshotStatus.FAILED
    assert failed.error_code == LOST_CODE
    assert str(attempts) in (failed.error_message or "")


async def test_sweep_and_a_second_delivery_leave_a_live_lease_alone(
    library_resources: Resources, library_emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(library_resources, library_emulator, "alice")
    snapshot_id = await new_snapshot(library_resources, user_id)
    live = utcnow() + dt.timedelta(minutes=1)
    await _set(
        library_resources, snapshot_id, status=SnapshotStatus.RUNNING, attempts=1, lease_until=live
    )
    await library_emulator.reset_stats()
    assert await sweep(library_resources) == 0
    # Delivered again while another job holds it: nothing is fetched, nothing changes.
    assert await run_snapshot(library_resources, snapshot_id) is SnapshotStatus.RUNNING
    assert (await library_emulator.stats())["requests_total"] == 0
    snapshot = await _get(library_resources, snapshot_id)
    assert (snapshot.status, snapshot.attempts) == (SnapshotStatus.RUNNING, 1)


async def test_running_job_renews_its_lease_on_a_timer(fast_resources: Resources) -> None:
    snapshot = await running_snapshot(fast_resources, lease_until=_ago(60))

    async def renewed() -> None:
        # Nothing to await but the row itself: read it until the timer has written it.
        while True:
            lease_until = (await _get(fast_resources, snapshot.id)).lease_until
            assert lease_until is not None
            if lease_until > utcnow():
                return
            await asyncio.sleep(0.05)

    # No progress is written: only the timer can renew it (every third of the lease).
    async with heartbeat(fast_resources, snapshot.id, 1):
        await asyncio.wait_for(renewed(), timeout=30)
    assert await renew(fast_resources, snapshot.id, 1)
    assert not await renew(fast_resources, snapshot.id, 2)  # another attempt's lease


async def _finished(resources: Resources, snapshot_id: int, started: asyncio.Event) -> str:
    async with resources.pubsub.subscribe(channel_of(snapshot_id)) as messages:
        started.set()
        async for message in messages:
            if message["status"] in ("SUCCEEDED", "FAILED"):
                return str(message["status"])
    raise AssertionError("unreachable")


async def _watch(resources: Resources, snapshot_id: int) -> asyncio.Task[str]:
    """A task that ends with the snapshot's final status, subscribed before it returns."""
    subscribed = asyncio.Event()
    task = asyncio.create_task(_finished(resources, snapshot_id, subscribed))
    await subscribed.wait()
    return task


async def _reference(settings: Settings, emulator: EmulatorHandle, url: str) -> dict[str, Any]:
    """The rows an uninterrupted run writes, in a database of its own."""
    async with open_app_resources(settings.model_copy(update={"database_url": url})) as reference:
        user_id = await linked_user(reference, emulator, "alice")
        snapshot_id = await new_snapshot(reference, user_id)
        assert await run_snapshot(reference, snapshot_id) is SnapshotStatus.SUCCEEDED
        return await dump_state(reference.sessionmaker)


async def _kill(process: asyncio.subprocess.Process) -> int:
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    return await process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def _mixtape_serve(env: dict[str, str]) -> AsyncIterator[tuple[str, Any]]:
    """``mixtape serve`` in a process of its own; yields its URL and the process."""
    port = _free_port()
    command = (str(Path(sys.executable).parent / "mixtape"), "serve", "--port", str(port))
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            while True:  # up when it answers; nothing else to wait on from outside
                assert process.returncode is None, "mixtape serve did not start"
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get(f"{url}/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
        yield url, process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)


async def test_killed_api_process_recovers_its_snapshot_on_restart(
    fast_settings: Settings,
    fast_resources: Resources,
    library_emulator: EmulatorHandle,
    library_fixture: dict[str, Any],
    other_database_url: str,
) -> None:
    """The embedded default: SQLite, jobs and cron inside the one API process."""
    if not fast_settings.is_sqlite:
        pytest.skip("the embedded default is SQLite")
    expected = await _reference(fast_settings, library_emulator, other_database_url)
    env = _environment(fast_settings)
    env.pop("MIXTAPE_REDIS_URL", None)
    env.update({f"MIXTAPE_{key.upper()}": str(value) for key, value in FAST.items()})
    # The poller stays on (alice plays and played only her own saved tracks, which the
    # snapshot writes too); the hourly release ingest is off: at hh:23 it would add the
    # new releases' albums to the catalog this test compares whole, and its calls.
    env["MIXTAPE_RELEASES_ENABLED"] = "false"
    user_id = await linked_user(fast_resources, library_emulator, "alice")
    token = await login(fast_resources, user_id)
    await library_emulator.configure(hold_path=held_items_path(library_fixture))
    async with _mixtape_serve(env) as (url, first), httpx.AsyncClient(timeout=30) as http:
        snapshot = (await GraphQLClient(url, http, token).query(SAVE))["saveLibrary"]
        snapshot_id = await _only_snapshot(fast_resources)
        try:
            await wait_for_items_phase(fast_resources, snapshot_id, first)
        finally:
            returncode = await _kill(first)
    assert returncode == -signal.SIGKILL, "the server ended before it could be killed"
    assert (await _get(fast_resources, snapshot_id)).status is SnapshotStatus.RUNNING
    await library_emulator.configure(hold_path=None)

    # Started again, it finds the lost snapshot by itself: nobody calls saveLibrary.
    async with _mixtape_serve(env) as (url, _), httpx.AsyncClient(timeout=30) as http:
        client = GraphQLClient(url, http, token)
        async with client.websocket() as ws:
            operation = await ws.subscribe(WATCH, {"id": snapshot["id"]})
            status = None
            while status not in ("SUCCEEDED", "FAILED"):
                payload = await ws.next_payload(operation, timeout=90)
                assert not payload.get("errors"), payload
                status = payload["data"]["librarySnapshot"]["status"]
    assert status == "SUCCEEDED"
    recovered = await _get(fast_resources, snapshot_id)
    assert recovered.attempts >= 2
    assert await dump_state(fast_resources.sessionmaker) == expected


async def _only_snapshot(resources: Resources) -> int:
    async with resources.sessionmaker() as session:
        (snapshot_id,) = (await session.scalars(select(LibrarySnapshot.id))).all()
    return snapshot_id


@pytest.mark.redis
async def test_killed_arq_worker_job_recovers_without_user_action(
    fast_settings: Settings,
    library_emulator: EmulatorHandle,
    library_fixture: dict[str, Any],
    other_database_url: str,
    redis_url: str,
) -> None:
    if fast_settings.is_sqlite:
        pytest.skip("production shape: PostgreSQL + Redis")
    settings = fast_settings.model_copy(update={"redis_url": redis_url})
    expected = await _reference(fast_settings, library_emulator, other_database_url)
    env = _environment(settings)
    env.update({f"MIXTAPE_{key.upper()}": str(value) for key, value in FAST.items()})
    # The poller stays on (alice plays and played only her own saved tracks, which the
    # snapshot writes too); the hourly release ingest is off: at hh:23 it would add the
    # new releases' albums to the catalog this test compares whole, and its calls.
    env["MIXTAPE_RELEASES_ENABLED"] = "false"
    worker_command = (str(Path(sys.executable).parent / "mixtape"), "worker")
    await library_emulator.configure(hold_path=held_items_path(library_fixture))
    async with open_app_resources(settings) as resources:
        user_id = await linked_user(resources, library_emulator, "alice")
        async with unit_of_work(resources.sessionmaker) as uow:
            snapshot = await request_snapshot(uow, resources.queue, user_id)
        first = await asyncio.create_subprocess_exec(*worker_command, cwd=ROOT, env=env)
        try:
            await wait_for_items_phase(resources, snapshot.id, first)
        finally:
            returncode = await _kill(first)
        assert returncode == -signal.SIGKILL, "the worker ended before it could be killed"
        assert (await _get(resources, snapshot.id)).status is SnapshotStatus.RUNNING
        await library_emulator.configure(hold_path=None)

        # Another worker comes up; nobody calls saveLibrary again.
        watcher = await _watch(resources, snapshot.id)
        second = await asyncio.create_subprocess_exec(*worker_command, cwd=ROOT, env=env)
        try:
            status = await asyncio.wait_for(watcher, timeout=90)
        finally:
            if second.returncode is None:
                second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.wait(), timeout=30)
        recovered = await _get(resources, snapshot.id)
        state = await dump_state(resources.sessionmaker)
    assert status == "SUCCEEDED"
    assert recovered.status is SnapshotStatus.SUCCEEDED
    assert recovered.attempts >= 2
    assert state == expected


async def test_job_that_lost_its_lease_does_not_finish_the_snapshot(
    library_resources: Resources, library_emulator: EmulatorHandle
) -> None:
    user_id = await linked_user(library_resources, library_emulator, "alice")
    snapshot_id = await new_snapshot(library_resources, user_id)
    await library_emulator.configure(latency_ms=100)
    job = asyncio.create_task(run_snapshot(library_resources, snapshot_id))
    # Nothing to await from inside the job: read its row until it is fetching.
    while (await _get(library_resources, snapshot_id)).phase != "playlist_items":
        assert not job.done(), job.result()
        await asyncio.sleep(0.02)
    # Meanwhile its lease was taken for lost: the sweep queued it for another attempt.
    await _set(library_resources, snapshot_id, status=SnapshotStatus.QUEUED, attempts=2)
    await library_emulator.configure(hold_path=None)
    await job
    after = await _get(library_resources, snapshot_id)
    assert (after.status, after.attempts) == (SnapshotStatus.QUEUED, 2)
    async with library_resources.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(SavedTrack)) == 0
