"""A user's library totals: what they saved on Spotify (latest snapshot), like, follow and
own (Mixtape playlists)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    LikeTarget,
    Playlist,
    PlaylistRole,
    SavedAlbum,
    SavedTrack,
    Song,
)
from graphql_api.library.memberships import visible_at
from graphql_api.library.snapshots import latest_succeeded
from graphql_api.playlists import access
from graphql_api.social import queries


@dataclass(frozen=True)
class LibraryTotals:
    saved_songs: int = 0
    saved_songs_duration_ms: int = 0
    saved_albums: int = 0
    followed_artists: int = 0
    likes: dict[LikeTarget, int] = field(default_factory=dict)
    own_playlists: int = 0
    own_playlists_duration_ms: int = 0


async def library_totals(session: AsyncSession, user_id: int) -> LibraryTotals:
    """``user_id``'s totals, in a fixed number of statements."""
    snapshot = await latest_succeeded(session, user_id)
    saved_songs = duration = saved_albums = 0
    if snapshot is not None:
        saved_songs, duration = (
            await session.execute(
                select(func.count(), func.coalesce(func.sum(Song.duration_ms), 0))
                .select_from(SavedTrack)
                .join(Song, Song.id == SavedTrack.song_id)
                .where(visible_at(SavedTrack, user_id, snapshot.version))
            )
        ).one()
        saved_albums = (
            await session.scalar(
                select(func.count())
                .select_from(SavedAlbum)
                .where(visible_at(SavedAlbum, user_id, snapshot.version))
            )
            or 0
        )
    own_playlists, own_duration = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Playlist.total_duration_ms), 0)).where(
                access.has_role(user_id, (PlaylistRole.OWNER,))
            )
        )
    ).one()
    return LibraryTotals(
        saved_songs=int(saved_songs),
        saved_songs_duration_ms=int(duration),
        saved_albums=int(saved_albums),
        followed_artists=await queries.count_followed_artists(session, user_id, snapshot),
        likes=await queries.count_likes(session, user_id),
        own_playlists=int(own_playlists),
        own_playlists_duration_ms=int(own_duration),
    )
