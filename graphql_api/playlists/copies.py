"""``copyToMixtape``: a playlist of one of the viewer's snapshots becomes their own."""

from __future__ import annotations

from sqlalchemy import exists, insert, select

from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    LibraryPlaylist,
    Playlist,
    PlaylistEntry,
    PlaylistItem,
    PlaylistVersion,
    Song,
)
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import NotFound
from graphql_api.playlists import ordering, versions
from graphql_api.playlists.details import MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, create_playlist


async def in_own_snapshot(uow: UnitOfWork, viewer_id: int, version_id: int) -> bool:
    """Whether any snapshot of ``viewer_id`` holds the playlist version."""
    found = await uow.session.scalar(
        select(
            exists().where(
                LibraryPlaylist.user_id == viewer_id, LibraryPlaylist.version_id == version_id
            )
        )
    )
    return bool(found)


async def copy_to_mixtape(uow: UnitOfWork, viewer_id: int, version_id: int) -> Playlist:
    """A new PRIVATE playlist owned by the viewer with the version's name, description and
    items in order (items Spotify no longer has are left out). NOT_FOUND unless a
    snapshot of the viewer's holds that version."""
    session = uow.session
    version = await session.get(PlaylistVersion, version_id)
    if version is None or not await in_own_snapshot(uow, viewer_id, version_id):
        raise NotFound("No such playlist in your snapshots.", argument="playlistVersionId")
    playlist = await create_playlist(
        uow,
        viewer_id,
        name=(version.name.strip() or "Untitled")[:MAX_NAME_LENGTH],
        description=(version.description or "")[:MAX_DESCRIPTION_LENGTH],
        source_version_id=version.id,
    )
    items = list(
        await session.execute(
            select(PlaylistItem.song_id, PlaylistItem.added_at, Song.duration_ms)
            .join(Song, Song.id == PlaylistItem.song_id)
            .where(PlaylistItem.version_id == version_id)
            .order_by(PlaylistItem.position)
        )
    )
    if items:
        now = utcnow()
        await session.execute(
            insert(PlaylistEntry),
            [
                {
                    "playlist_id": playlist.id,
                    "song_id": song_id,
                    "position_key": key,
                    "added_by": viewer_id,
                    "added_at": added_at or now,
                }
                for (song_id, added_at, _), key in zip(
                    items, ordering.evenly(len(items)), strict=True
                )
            ],
        )
        await versions.add_totals(
            session, playlist.id, len(items), sum(int(ms) for *_, ms in items)
        )
    return await versions.fresh(session, playlist.id)
