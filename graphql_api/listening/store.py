"""The stored now-playing state of a user: read it, and write what a poll saw."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import NowPlaying
from graphql_api.listening.counting import PlayTracker
from graphql_api.listening.playback import Playback, PlayingItem


def playback_of(row: NowPlaying) -> Playback | None:
    """The playback a stored row describes (None when never observed)."""
    if row.observed_at is None:
        return None
    return Playback(
        observed_at=row.observed_at,
        item=PlayingItem.from_json(row.item) if row.item else None,
        is_playing=row.is_playing,
        progress_ms=row.progress_ms or 0,
        context_uri=row.context_uri,
        device_name=row.device_name,
    )


def tracker_of(row: NowPlaying) -> PlayTracker:
    return PlayTracker(
        started_at=row.play_started_at, listened_ms=row.listened_ms, recorded=row.play_recorded
    )


async def load_row(session: AsyncSession, user_id: int) -> NowPlaying | None:
    return await session.get(NowPlaying, user_id)


async def load_playback(session: AsyncSession, user_id: int) -> Playback | None:
    """What ``user_id`` was last seen playing (None when never observed)."""
    row = await session.scalar(select(NowPlaying).where(NowPlaying.user_id == user_id))
    return playback_of(row) if row is not None else None


def write_state(
    session: AsyncSession,
    row: NowPlaying | None,
    user_id: int,
    playback: Playback,
    tracker: PlayTracker,
    song_id: int | None,
) -> NowPlaying:
    """Store ``playback`` and the counting progress as the user's current state."""
    if row is None:
        row = NowPlaying(user_id=user_id)
        session.add(row)
    row.song_id = song_id
    row.item = playback.item.as_json() if playback.item else None
    row.item_type = playback.item.kind if playback.item else None
    row.is_playing = playback.is_playing
    row.progress_ms = playback.progress_ms if playback.item else None
    row.observed_at = playback.observed_at
    row.context_uri = playback.context_uri
    row.device_name = playback.device_name
    row.play_started_at = tracker.started_at
    row.listened_ms = tracker.listened_ms
    row.play_recorded = tracker.recorded
    return row
