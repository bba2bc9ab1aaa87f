"""What playlists tell the catalog about the songs they hold (``catalog/usage.py``): the
members of a playlist may see the own songs in it, a song in playlists is not deleted
unless asked to remove it everywhere, and that removal keeps each playlist's totals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog.usage import SongUsage
from graphql_api.db.models import Playlist, PlaylistEntry, PlaylistMember, Song


def shared_with(song_id: Any, viewer_id: int) -> ColumnElement[bool]:
    """SQL: the song is in a playlist ``viewer_id`` is a member of."""
    return exists().where(
        PlaylistEntry.song_id == song_id,
        PlaylistMember.playlist_id == PlaylistEntry.playlist_id,
        PlaylistMember.user_id == viewer_id,
    )


async def count(session: AsyncSession, song_ids: list[int]) -> int:
    """How many playlist items hold these songs."""
    found = await session.scalar(
        select(func.count()).select_from(PlaylistEntry).where(PlaylistEntry.song_id.in_(song_ids))
    )
    return int(found or 0)


async def remove(session: AsyncSession, song_ids: list[int]) -> None:
    """Take these songs out of every playlist, keeping each one's count, duration and
    version (a client based on the version before is told CONFLICT)."""
    touched = list(
        await session.execute(
            select(PlaylistEntry.playlist_id, func.count(), func.sum(Song.duration_ms))
            .join(Song, Song.id == PlaylistEntry.song_id)
            .where(PlaylistEntry.song_id.in_(song_ids))
            .group_by(PlaylistEntry.playlist_id)
        )
    )
    await session.execute(
        delete(PlaylistEntry)
        .where(PlaylistEntry.song_id.in_(song_ids))
        .execution_options(synchronize_session=False)
    )
    for playlist_id, items, duration in touched:
        await session.execute(
            update(Playlist)
            .where(Playlist.id == playlist_id)
            .values(
                version=Playlist.version + 1,
                item_count=Playlist.item_count - int(items),
                total_duration_ms=Playlist.total_duration_ms - int(duration or 0),
            )
            .execution_options(synchronize_session=False)
        )


PLAYLIST_SONGS = SongUsage(name="playlists", shared_with=shared_with, count=count, remove=remove)
