"""The snapshot job against the emulator, called with real resources."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from graphql_api.composition import open_app_resources
from graphql_api.db.models import (
    FollowedArtist,
    LibraryPlaylist,
    LibrarySnapshot,
    PlaylistItem,
    PlaylistVersion,
    SavedAlbum,
    SavedTrack,
    SnapshotStatus,
    SpotifyPlaylist,
)
from graphql_api.db.uow import unit_of_work
from graphql_api.library.memberships import visible_at
from graphql_api.library.runner import run_snapshot
from graphql_api.library.snapshots import request_snapshot
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.expected import expected_of
from tests.support.spotify import linked_user


async def new_snapshot(resources: Resources, user_id: int) -> int:
    """A queued snapshot (its job is not run: the in-process queue is not joined)."""
    async with unit_of_work(resources.sessionmaker) as uow:
        snapshot = await request_snapshot(uow, _NoQueue(), user_id)
    return snapshot.id


class _NoQueue:
    async def enqueue(self, function: str, *args: object, **kwargs: object) -> bool:
        return True

    async def close(self) -> None:
        return None


async def count(resources: Resources, model: type, user_id: int, version: int) -> int:
    async with resources.sessionmaker() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(model).where(visible_at(model, user_id, version))
            )
            or 0
        )


async def test_snapshot_matches_the_fixture(
    library_resources: Resources, library_emulator: EmulatorHandle, library_fixture: dict[str, Any]
) -> None:
    spotify_resources = library_resources
    user_id = await linked_user(spotify_resources, library_emulator, "alice")
    expected = expected_of(library_fixture["users"][0])
    snapshot_id = await new_snapshot(spotify_resources, user_id)
    assert await run_snapshot(spotify_resources, snapshot_id) is SnapshotStatus.SUCCEEDED
    async with spotify_resources.sessionmaker() as session:
        snapshot = await session.get(LibrarySnapshot, snapshot_id)
        assert snapshot is not None
        assert snapshot.saved_tracks_count == expected.saved_tracks
        versions = (
            await session.execute(
                select(SpotifyPlaylist.spotify_id, PlaylistVersion).join(
                    PlaylistVersion, PlaylistVersion.playlist_id == SpotifyPlaylist.id
                )
            )
        ).all()
        counted = await session.execute(
            select(PlaylistItem.version_id, func.count()).group_by(PlaylistItem.version_id)
        )
        items = {row[0]: row[1] for row in counted}
    assert await count(spotify_resources, SavedTrack, user_id, 1) == expected.saved_tracks
    assert await count(spotify_resources, SavedAlbum, user_id, 1) == expected.saved_albums
    assert await count(spotify_resources, FollowedArtist, user_id, 1) == expected.followed_artists
    assert await count(spotify_resources, LibraryPlaylist, user_id, 1) == expected.playlists
    by_spotify = {row[0]: row[1] for row in versions}
    for spotify_id, total in expected.readable_items.items():
        assert items.get(by_spotify[spotify_id].id, 0) == total
    for spotify_id in expected.unreadable:
        assert not by_spotify[spotify_id].items_readable
        assert by_spotify[spotify_id].unreadable_reason


def _ours(task: asyncio.Task[Any]) -> bool:
    """A task of Mixtape's own code still running (not an HTTP or database driver's)."""
    code = getattr(task.get_coro(), "cr_code", None)
    return not task.done() and code is not None and "graphql_api" in code.co_filename


async def _complete_versions(resources: Resources) -> int:
    async with resources.sessionmaker() as session:
        statement = select(func.count()).select_from(PlaylistVersion)
        return int(await session.scalar(statement.where(PlaylistVersion.complete)) or 0)


async def test_failed_playlist_stops_its_siblings_fetches_and_writes(
    library_settings: Settings, library_emulator: EmulatorHandle, library_fixture: dict[str, Any]
) -> None:
    # One call in flight at a time, no retries: the first fault fails the snapshot while
    # every other playlist still waits for its turn.
    settings = library_settings.model_copy(
        update={"snapshot_concurrency": 1, "spotify_max_retries": 0}
    )
    expected = expected_of(library_fixture["users"][0])
    failing = next(iter(expected.readable_items))
    assert len([n for n in expected.readable_items.values() if n]) > 1, "needs siblings"
    path = f"/v1/playlists/{failing}/items"
    async with open_app_resources(settings) as resources:
        user_id = await linked_user(resources, library_emulator, "alice")
        snapshot_id = await new_snapshot(resources, user_id)
        await library_emulator.configure(
            fault_rate=1.0, fault_seed=1, fault_slow_s=0.01, fault_path=path
        )
        before = asyncio.all_tasks()
        status = await run_snapshot(resources, snapshot_id)
        leftovers = [task for task in asyncio.all_tasks() - before if _ours(task)]
        complete_when_failed = await _complete_versions(resources)
        # Whatever the job left running (asyncio.gather's siblings did) gets to finish
        # before counting, so that its fetches and writes show.
        await asyncio.gather(*leftovers, return_exceptions=True)
        complete_later = await _complete_versions(resources)
    requests = (await library_emulator.stats())["requests"]
    fault = next(
        r for r in requests if r["route"].startswith("/v1/playlists/") and r["status"] != 200
    )
    after_fault = [r for r in requests if r["t"] > fault["t"]]
    assert status is SnapshotStatus.FAILED
    assert leftovers == []
    assert complete_later == complete_when_failed
    # At most the one sibling woken by the freed slot while the failure unwinds.
    assert len(after_fault) <= settings.snapshot_concurrency, after_fault


async def test_snapshot_saturating_its_bulk_share_leaves_room_for_an_interactive_call(
    library_settings: Settings, library_emulator: EmulatorHandle
) -> None:
    # 20 calls per (long) window, fixed, snapshots may fill 10: fewer than this library needs.
    fixed = {f"spotify_requests_per_30s{end}": 20 for end in ("", "_min", "_max")}
    settings = library_settings.model_copy(update={**fixed, "spotify_bulk_share": 0.5})
    async with open_app_resources(settings) as resources:
        user_id = await linked_user(resources, library_emulator, "alice")
        snapshot_id = await new_snapshot(resources, user_id)
        budget = resources.spotify.budget
        snapshot = asyncio.create_task(run_snapshot(resources, snapshot_id))
        try:
            # Nothing to await but the budget itself: read it until the snapshot is stuck.
            while await budget.usage() < 0.5:
                assert not snapshot.done(), snapshot.result()
                await asyncio.sleep(0.02)
            await library_emulator.reset_stats()
            me = await asyncio.wait_for(resources.spotify.client_for(user_id).get("me"), 10)
            stats = await library_emulator.stats()
            assert not snapshot.done()
        finally:
            snapshot.cancel()
            await asyncio.gather(snapshot, return_exceptions=True)
    assert me["id"] == "alice"
    # The interactive call got through while the snapshot waited for the window: the
    # snapshot's 10 slots (some of its calls still answering) and this one, no more.
    assert "/v1/me" in [r["route"] for r in stats["requests"]]
    assert await budget.usage() == 11 / 20
