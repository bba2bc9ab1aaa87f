"""The room follows its host's player: each reading the poller (or a skip) makes of it.

Readings may arrive twice (every API process hears the poller's event) and out of order:
one no newer than the room's last is dropped. A new track (a new URI, or whatever plays
after a skip) starts a new ``play_seq``: votes to skip start over, and the track joins the
room's plays, kept in order.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Room, RoomPlay, Song
from graphql_api.listening.playback import Playback


async def apply_playback(
    session: AsyncSession, room: Room, playback: Playback, *, skipped_seq: int | None = None
) -> bool:
    """Apply ``playback`` to the (locked) ``room``; False when it is not newer.

    ``skipped_seq``: the reading follows the skip of that track, so what plays now is a new
    track even when it has the same URI (Spotify restarts the last track of a context).
    """
    item = playback.item
    after_skip = skipped_seq is not None and room.play_seq == skipped_seq
    stale = room.observed_at is not None and playback.observed_at <= room.observed_at
    if stale and not after_skip:
        return False
    old_uri = (room.item or {}).get("uri")
    if item is not None and (item.uri != old_uri or after_skip):
        await _new_track(session, room, item.uri, item.name)
    if stale:  # a newer reading (the poller's, after the skip) is already applied
        return True
    room.item = item.as_json() if item is not None else None
    room.is_playing = playback.is_playing
    room.progress_ms = playback.progress_ms if item is not None else None
    room.observed_at = playback.observed_at
    return True


async def _new_track(session: AsyncSession, room: Room, uri: str, name: str) -> None:
    room.play_seq += 1
    song_id = await session.scalar(select(Song.id).where(Song.spotify_uri == uri))
    session.add(
        RoomPlay(room_id=room.id, play_seq=room.play_seq, uri=uri, name=name, song_id=song_id)
    )


def remaining_ms(room: Room, now_ms: float) -> float | None:
    """How long the playing track has left at ``now_ms`` (epoch ms); None when nothing
    plays or it is paused."""
    if room.item is None or not room.is_playing or room.observed_at is None:
        return None
    duration = int(room.item.get("durationMs") or 0)
    elapsed = now_ms - room.observed_at.timestamp() * 1000
    return duration - (room.progress_ms or 0) - elapsed
