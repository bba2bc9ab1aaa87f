"""The track lists of the viewer's own albums: which song is in which disc/track slot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog.access import check_visible, own_row
from graphql_api.db.models import Album, Song, album_tracks
from graphql_api.errors import BadUserInput, Conflict, NotFound

MAX_TRACKS = 1000
MAX_NUMBER = 10_000


@dataclass(frozen=True)
class Track:
    song_id: int
    disc_number: int
    track_number: int


def _check_slot(track: Track) -> None:
    for name, value in (("discNumber", track.disc_number), ("trackNumber", track.track_number)):
        if not 1 <= value <= MAX_NUMBER:
            raise BadUserInput(f"`{name}` must be between 1 and {MAX_NUMBER}.", argument=name)


def _slot_taken(track: Track) -> Conflict:
    return Conflict(
        f"Disc {track.disc_number}, track {track.track_number} already holds a song.",
        discNumber=track.disc_number,
        trackNumber=track.track_number,
    )


async def _primary_albums(session: AsyncSession, viewer: int, album_id: int) -> None:
    """Keep the viewer's own songs' primary album (``songs.album_id``, which release-year
    filters and sorts read) in step with the track lists: a song on no album gets this
    one, a song no longer on its primary album loses it."""
    on_album = select(album_tracks.c.song_id).where(album_tracks.c.album_id == album_id)
    await session.execute(
        update(Song)
        .where(Song.owner_id == viewer, Song.album_id == album_id, Song.id.not_in(on_album))
        .values(album_id=None, disc_number=None, track_number=None)
    )
    slots = await session.execute(
        select(album_tracks.c.song_id, album_tracks.c.disc_number, album_tracks.c.track_number)
        .join(Song, Song.id == album_tracks.c.song_id)
        .where(
            album_tracks.c.album_id == album_id, Song.owner_id == viewer, Song.album_id.is_(None)
        )
    )
    for song_id, disc, track in slots:
        await session.execute(
            update(Song)
            .where(Song.id == song_id)
            .values(album_id=album_id, disc_number=disc, track_number=track)
        )


async def set_album_tracks(
    session: AsyncSession, viewer: int, album_id: int, tracks: Sequence[Track]
) -> Album:
    """Replace the track list of one of the viewer's albums. Two songs in one slot is a
    CONFLICT."""
    if len(tracks) > MAX_TRACKS:
        raise BadUserInput(f"At most {MAX_TRACKS} tracks per album.", argument="tracks")
    seen: set[tuple[int, int]] = set()
    for track in tracks:
        _check_slot(track)
        slot = (track.disc_number, track.track_number)
        if slot in seen:
            raise _slot_taken(track)
        seen.add(slot)
    album = await own_row(session, Album, album_id, viewer)
    await check_visible(session, Song, [t.song_id for t in tracks], viewer, "tracks")
    await session.execute(delete(album_tracks).where(album_tracks.c.album_id == album.id))
    if tracks:
        await session.execute(
            insert(album_tracks),
            [
                {
                    "album_id": album.id,
                    "disc_number": t.disc_number,
                    "track_number": t.track_number,
                    "song_id": t.song_id,
                }
                for t in tracks
            ],
        )
    await _primary_albums(session, viewer, album.id)
    return album


async def add_album_track(session: AsyncSession, viewer: int, album_id: int, track: Track) -> Album:
    """Put a song in a free slot of one of the viewer's albums (a taken slot: CONFLICT)."""
    _check_slot(track)
    album = await own_row(session, Album, album_id, viewer)
    await check_visible(session, Song, [track.song_id], viewer, "songId")
    taken = await session.scalar(
        select(album_tracks.c.song_id).where(
            album_tracks.c.album_id == album.id,
            album_tracks.c.disc_number == track.disc_number,
            album_tracks.c.track_number == track.track_number,
        )
    )
    if taken is not None:
        raise _slot_taken(track)
    await session.execute(
        insert(album_tracks).values(
            album_id=album.id,
            disc_number=track.disc_number,
            track_number=track.track_number,
            song_id=track.song_id,
        )
    )
    await _primary_albums(session, viewer, album.id)
    return album


async def remove_album_track(
    session: AsyncSession, viewer: int, album_id: int, disc_number: int, track_number: int
) -> Album:
    """Empty one slot of one of the viewer's albums (NOT_FOUND when it is empty)."""
    album = await own_row(session, Album, album_id, viewer)
    result = await session.execute(
        delete(album_tracks).where(
            album_tracks.c.album_id == album.id,
            album_tracks.c.disc_number == disc_number,
            album_tracks.c.track_number == track_number,
        )
    )
    if not getattr(result, "rowcount", 0):
        raise NotFound("That slot of the album holds no song.")
    await _primary_albums(session, viewer, album.id)
    return album
