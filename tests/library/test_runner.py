"""The snapshot job against the emulator, called with real resources."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

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
