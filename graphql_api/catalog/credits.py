"""Who did what on the viewer's own songs (credits), and their albums' track lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog.access import check_visible, own_row
from graphql_api.db.models import Album, Artist, CreditRole, Song, album_tracks, song_credits
from graphql_api.errors import BadUserInput, Conflict, NotFound

MAX_CREDITS = 100
MAX_TRACKS = 1000
MAX_NUMBER = 10_000


@dataclass(frozen=True)
class Credit:
    artist_id: int
    role: CreditRole


@dataclass(frozen=True)
class Track:
    song_id: int
    disc_number: int
    track_number: int


async def set_song_credits(
    session: AsyncSession, viewer: int, song_id: int, credits: Sequence[Credit]
) -> Song:
    """Replace the credits of one of the viewer's songs; positions follow the list's order
    within each role."""
    if len(credits) > MAX_CREDITS:
        raise BadUserInput(f"At most {MAX_CREDITS} credits per song.", argument="credits")
    if len({(c.artist_id, c.role) for c in credits}) != len(credits):
        raise BadUserInput("An artist is credited twice in the same role.", argument="credits")
    song = await own_row(session, Song, song_id, viewer)
    await check_visible(session, Artist, [c.artist_id for c in credits], viewer, "credits")
    positions: dict[CreditRole, int] = {}
    rows = []
    for credit in credits:
        position = positions.get(credit.role, 0)
        positions[credit.role] = position + 1
        rows.append(
            {
                "song_id": song.id,
                "role": credit.role.value,
                "position": position,
                "artist_id": credit.artist_id,
            }
        )
    await session.execute(delete(song_credits).where(song_credits.c.song_id == song.id))
    if rows:
        await session.execute(insert(song_credits), rows)
    return song


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
    return album
