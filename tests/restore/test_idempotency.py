"""A restore killed midway and run again creates no playlist twice and adds nothing twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import select, update
from strawberry.relay import GlobalID

from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    LibrarySnapshot,
    Restore,
    RestoreMode,
    RestorePlaylist,
    RestoreStatus,
)
from graphql_api.resources import Resources
from graphql_api.restore.runner import run_restore
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.test_diff import edit_library
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient
from tests.support.job_process import start_job

WAIT_S = 60.0


async def _new_restore(resources: Resources, snapshot_global_id: str) -> int:
    snapshot_id = int(GlobalID.from_id(snapshot_global_id).node_id)
    async with resources.sessionmaker() as session:
        snapshot = await session.get(LibrarySnapshot, snapshot_id)
        assert snapshot is not None
        row = Restore(
            user_id=snapshot.user_id,
            snapshot_id=snapshot_id,
            sections="TRACKS,ALBUMS,ARTISTS,PLAYLISTS",
            mode=RestoreMode.ADD_MISSING,
            status=RestoreStatus.QUEUED,
        )
        session.add(row)
        await session.commit()
        return row.id


async def _recorded(resources: Resources, restore_id: int) -> list[RestorePlaylist]:
    async with resources.sessionmaker() as session:
        rows = await session.scalars(
            select(RestorePlaylist).where(RestorePlaylist.restore_id == restore_id)
        )
        return list(rows)


async def _wait_for_created_playlist(
    resources: Resources, restore_id: int, job: asyncio.subprocess.Process
) -> None:
    """Until the job has recorded the playlist it created (its items are held)."""
    deadline = asyncio.get_running_loop().time() + WAIT_S
    while True:
        assert job.returncode is None, f"the job's process ended ({job.returncode})"
        if any(row.spotify_id for row in await _recorded(resources, restore_id)):
            return
        assert asyncio.get_running_loop().time() < deadline, "no playlist was created"
        await asyncio.sleep(0.02)


def _alice_playlists(emulator: EmulatorHandle) -> list[Any]:
    state = emulator.state
    return [state.catalog.playlists[p] for p in state.users["alice"].playlist_ids]


def _playable(item: dict[str, Any]) -> bool:
    uri = (item.get("item") or item.get("track") or {}).get("uri") or ""
    return str(uri).startswith(("spotify:track:", "spotify:episode:"))


def _last_call(items: list[dict[str, Any]]) -> int:
    """How many items the last add call of a recreation sent: the end of the trailing run
    of addable items, cut in calls of 100 from its start."""
    run = 0
    for item in reversed(items):
        if not _playable(item):
            break
        run += 1
    return run - 100 * ((run - 1) // 100) if run else 0


def _uris(record: Any) -> list[str]:
    return [(i.get("item") or {}).get("uri") for i in record.items]


@pytest.mark.parametrize("forget_created", [False, True], ids=["recorded", "unrecorded"])
async def test_killed_restore_run_again_creates_no_duplicates(
    alice: GraphQLClient,
    library_resources: Resources,
    library_settings: Settings,
    library_emulator: EmulatorHandle,
    library_fixture: dict[str, Any],
    forget_created: bool,
) -> None:
    first = await save_and_wait(alice)
    after, _, _ = edit_library(
        library_fixture["users"][0], library_fixture["users"][1], tracks=3, artists=2
    )
    await library_emulator.set_library("alice", after)
    restore_id = await _new_restore(library_resources, first["id"])

    # Items are added by POST only once a playlist was created and recorded: hold them,
    # and kill the job there.
    await library_emulator.configure(hold_path="POST /items")
    job = await start_job(library_settings, "graphql_api.restore.runner:run_restore", restore_id)
    try:
        await _wait_for_created_playlist(library_resources, restore_id, job)
    finally:
        if job.returncode is None:
            job.send_signal(signal.SIGKILL)
        returncode = await job.wait()
    assert returncode == -signal.SIGKILL, "the job ended before it could be killed"
    await library_emulator.configure(hold_path=None)
    created = {
        row.source_playlist_id: row.spotify_id
        for row in await _recorded(library_resources, restore_id)
    }
    async with library_resources.sessionmaker() as session:
        values: dict[str, Any] = {"lease_until": utcnow() - dt.timedelta(seconds=1)}
        await session.execute(update(Restore).where(Restore.id == restore_id).values(values))
        if forget_created:
            # As if the process had died between Spotify's answer and the record of it.
            await session.execute(
                update(RestorePlaylist)
                .where(RestorePlaylist.restore_id == restore_id)
                .values(spotify_id=None)
            )
        await session.commit()

    assert await run_restore(library_resources, restore_id) is RestoreStatus.SUCCEEDED
    rows = await _recorded(library_resources, restore_id)
    # The playlist made before the kill was found again, not made twice.
    assert {row.source_playlist_id: row.spotify_id for row in rows} == created
    names = Counter(record.playlist["name"] for record in _alice_playlists(library_emulator))
    made = [library_emulator.state.catalog.playlists[row.spotify_id] for row in rows]
    for record in made:
        assert names[record.playlist["name"]] == 1, names
    before = {p["playlist"]["name"]: p for p in library_fixture["users"][0]["playlists"]}
    for record in made:
        wanted = [
            (i.get("item") or i.get("track") or {}).get("uri")
            for i in before[record.playlist["name"]]["items"]
        ]
        playable = [u for u in wanted if u and u.startswith(("spotify:track:", "spotify:episode:"))]
        assert _uris(record) == playable

    # Run once more as though the last items call had landed unrecorded: nothing doubles.
    items = {record.id: _uris(record) for record in made}
    playlists = len(_alice_playlists(library_emulator))
    rolled_back = [
        _last_call(
            before[library_emulator.state.catalog.playlists[row.spotify_id].playlist["name"]][
                "items"
            ]
        )
        for row in rows
    ]
    assert any(rolled_back), "no recreated playlist ends with items added by a call"
    async with library_resources.sessionmaker() as session:
        for row in rows:
            source = before[
                library_emulator.state.catalog.playlists[row.spotify_id].playlist["name"]
            ]
            await session.execute(
                update(RestorePlaylist)
                .where(
                    RestorePlaylist.restore_id == restore_id,
                    RestorePlaylist.source_playlist_id == row.source_playlist_id,
                )
                .values(items_added=row.items_added - _last_call(source["items"]), done=False)
            )
        await session.execute(
            update(Restore)
            .where(Restore.id == restore_id)
            .values(status=RestoreStatus.RUNNING, lease_until=None)
        )
        await session.commit()
    assert await run_restore(library_resources, restore_id) is RestoreStatus.SUCCEEDED
    assert {record.id: _uris(record) for record in made} == items
    assert len(_alice_playlists(library_emulator)) == playlists
