"""Whose releases a user cares about: the artists they follow or saved music of.

Read from the user's current library (the membership rows of their snapshots still
present: ``until_version IS NULL``): followed artists, the artists of saved albums, and
the album artists of saved tracks. The development-mode fallback checks these artists;
the release radar shows their releases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    Artist,
    FollowedArtist,
    ReleaseArtist,
    SavedAlbum,
    SavedTrack,
    Song,
    album_artists,
)


def interest(user_id: int | None = None) -> Select[int, int]:
    """``(user_id, artist_id)`` pairs: each user's followed and saved artists (or one user's)."""
    followed = select(FollowedArtist.user_id, FollowedArtist.artist_id).where(
        FollowedArtist.until_version.is_(None)
    )
    saved_albums = (
        select(SavedAlbum.user_id, album_artists.c.artist_id)
        .join(album_artists, album_artists.c.album_id == SavedAlbum.album_id)
        .where(SavedAlbum.until_version.is_(None))
    )
    saved_tracks = (
        select(SavedTrack.user_id, album_artists.c.artist_id)
        .join(Song, Song.id == SavedTrack.song_id)
        .join(album_artists, album_artists.c.album_id == Song.album_id)
        .where(SavedTrack.until_version.is_(None))
    )
    parts = [followed, saved_albums, saved_tracks]
    if user_id is not None:
        parts = [part.where(part.selected_columns[0] == user_id) for part in parts]
    pairs = union(*parts).subquery()
    return select(pairs.c[0].label("user_id"), pairs.c[1].label("artist_id"))


def artists_of(user_id: int) -> Select[int]:
    """The ids of the artists ``user_id`` follows or saved music of."""
    pairs = interest(user_id).subquery()
    return select(pairs.c.artist_id)


async def artists_to_check(
    session: AsyncSession, *, checked_before: dt.datetime, limit: int
) -> list[tuple[int, str]]:
    """``(id, spotify_id)`` of at most ``limit`` artists whose albums are due a check,
    shared fairly: users take turns, each offering their longest-unchecked artist next,
    so one user with thousands of artists cannot starve the others."""
    pairs = interest().subquery()
    checked = ReleaseArtist.albums_checked_at
    statement = (
        select(pairs.c.user_id, Artist.id, Artist.spotify_id)
        .join(Artist, Artist.id == pairs.c.artist_id)
        .outerjoin(ReleaseArtist, ReleaseArtist.artist_id == Artist.id)
        .where(Artist.spotify_id.is_not(None), or_(checked.is_(None), checked < checked_before))
        .order_by(pairs.c.user_id, checked.is_not(None), checked, Artist.id)
    )
    queues: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for user_id, artist_id, spotify_id in await session.execute(statement):
        queues[user_id].append((artist_id, str(spotify_id)))
    return take_turns(list(queues.values()), limit)


def take_turns(queues: Sequence[Sequence[tuple[int, str]]], limit: int) -> list[tuple[int, str]]:
    """Round-robin over ``queues`` (each in its own priority order), skipping artists
    already taken, until ``limit`` are taken or every queue is empty."""
    taken: dict[int, tuple[int, str]] = {}
    positions = [0] * len(queues)
    while len(taken) < limit:
        moved = False
        for index, queue in enumerate(queues):
            while positions[index] < len(queue) and queue[positions[index]][0] in taken:
                positions[index] += 1
            if positions[index] < len(queue) and len(taken) < limit:
                artist = queue[positions[index]]
                taken[artist[0]] = artist
                positions[index] += 1
                moved = True
        if not moved:
            break
    return list(taken.values())
