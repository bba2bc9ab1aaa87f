"""The room's shared queue: songs added by participants, ordered by votes then by time.

Spotify's own queue cannot be reordered or emptied, so a song stays here until shortly
before the current one ends (or a skip): :func:`take_top` then hands the top song over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from graphql_api.catalog.visibility import visible
from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    Artist,
    Room,
    RoomParticipant,
    RoomQueueItem,
    RoomQueueVote,
    Song,
    song_performers,
)
from graphql_api.errors import BadUserInput, Conflict, Forbidden, NotFound
from graphql_api.rooms.state import queue_order

TRACK_URI = re.compile(r"spotify:track:[0-9A-Za-z]{22}")


@dataclass(frozen=True)
class Track:
    """What is queued: a Spotify URI and what the room shows of it."""

    uri: str
    name: str
    artists: str
    duration_ms: int | None
    song_id: int | None = None


def check_uri(uri: str) -> str:
    if not TRACK_URI.fullmatch(uri):
        raise BadUserInput("Expected a Spotify track URI.", argument="uri", reason="BAD_URI")
    return uri


async def catalog_track(session: AsyncSession, song_id: int, viewer_id: int | None) -> Track:
    """A catalog song the caller may see, as a track to queue."""
    song = await session.scalar(select(Song).where(Song.id == song_id, visible(Song, viewer_id)))
    if song is None:
        raise NotFound("No such song.", argument="songId")
    if song.spotify_uri is None or not TRACK_URI.fullmatch(song.spotify_uri):
        raise BadUserInput("This song is not on Spotify.", reason="NOT_PLAYABLE")
    names = await session.scalars(
        select(Artist.name)
        .join(song_performers, song_performers.c.artist_id == Artist.id)
        .where(song_performers.c.song_id == song.id)
        .order_by(song_performers.c.position)
    )
    return Track(song.spotify_uri, song.name, ", ".join(names), song.duration_ms, song.id)


def _queued(room_id: int) -> tuple[ColumnElement[bool], ...]:
    return (
        RoomQueueItem.room_id == room_id,
        RoomQueueItem.handed_at.is_(None),
        RoomQueueItem.removed_at.is_(None),
    )


async def add(
    session: AsyncSession, room: Room, participant: RoomParticipant, track: Track
) -> RoomQueueItem:
    """Queue ``track``; guests only when allowed, and up to ``max_queued_per_guest``."""
    if not participant.is_host:
        if not room.guest_can_queue:
            raise Forbidden(
                "The host does not let guests queue songs.", reason="GUEST_CANNOT_QUEUE"
            )
        mine = await session.scalar(
            select(func.count()).where(*_queued(room.id), RoomQueueItem.added_by == participant.id)
        )
        if int(mine or 0) >= room.max_queued_per_guest:
            raise Conflict(
                f"You have {room.max_queued_per_guest} songs queued already; wait until one plays.",
                reason="QUEUE_LIMIT",
            )
    item = RoomQueueItem(
        room_id=room.id,
        added_by=participant.id,
        uri=track.uri,
        name=track.name,
        artists=track.artists,
        duration_ms=track.duration_ms,
        song_id=track.song_id,
        votes=0,
    )
    session.add(item)
    await session.flush()
    return item


async def _item(session: AsyncSession, room: Room, item_id: int) -> RoomQueueItem:
    item = await session.get(RoomQueueItem, item_id)
    if item is None or item.room_id != room.id or item.removed_at or item.handed_at:
        raise NotFound("No such song in this room's queue.", reason="QUEUE_ITEM_NOT_FOUND")
    return item


async def vote(
    session: AsyncSession, room: Room, participant: RoomParticipant, item_id: int
) -> RoomQueueItem:
    """Vote a queued song up, once per participant."""
    item = await _item(session, room, item_id)
    already = await session.scalar(
        select(RoomQueueVote.id).where(
            RoomQueueVote.item_id == item.id, RoomQueueVote.participant_id == participant.id
        )
    )
    if already is not None:
        raise Conflict("You already voted for this song.", reason="ALREADY_VOTED")
    session.add(RoomQueueVote(item_id=item.id, participant_id=participant.id))
    item.votes += 1
    await session.flush()
    return item


async def remove(session: AsyncSession, room: Room, item_id: int) -> RoomQueueItem:
    """Take a song out of the queue (the host)."""
    item = await _item(session, room, item_id)
    item.removed_at = utcnow()
    return item


async def take_top(session: AsyncSession, room: Room) -> RoomQueueItem | None:
    """The top song, marked handed to Spotify for the playing track (once per track), on a
    locked room; None when the queue is empty or a song was handed for this track."""
    if room.handed_seq == room.play_seq:
        return None
    top = await session.scalar(
        select(RoomQueueItem).where(*_queued(room.id)).order_by(*queue_order()).limit(1)
    )
    if top is None:
        return None
    top.handed_at = utcnow()
    room.handed_seq = room.play_seq
    return top
