"""Listening history: recording counted plays once, filling gaps from recently-played.

Plays are keyed by when they *started*. The poller knows that directly; Spotify's
recently-played gives the time a play ended, so the start is that minus the item's
duration. A play is a duplicate of a stored one for the same song whose start lies
within half the item's duration (two real plays of one song start at least a whole
duration apart), so the poller's and the backfill's records of one play meet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Play
from graphql_api.listening.catalog import ensure_song, ensure_songs
from graphql_api.listening.counting import threshold_ms

Json = dict[str, Any]
# For items of unknown or tiny length, a play within this much is the same one.
MIN_DEDUPE_WINDOW = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class NewPlay:
    item: Json
    played_at: dt.datetime
    ms_played: int | None
    context_uri: str | None
    source: str


def dedupe_window(duration_ms: int) -> dt.timedelta:
    return max(MIN_DEDUPE_WINDOW, dt.timedelta(milliseconds=duration_ms // 2))


async def record_play(
    session: AsyncSession, user_id: int, play: NewPlay, song_id: int | None = None
) -> bool:
    """Store ``play`` unless the same play is already there; says whether it was new.

    ``song_id``: the play's song when the caller already has it (a poll resolves all its
    songs in one catalog write, :func:`ensure_songs`); else it is found or added here.
    """
    if song_id is None:
        song_id = await ensure_song(session, play.item)
    window = dedupe_window(int(play.item.get("duration_ms") or 0))
    existing = await session.scalar(
        select(Play.id)
        .where(
            and_(
                Play.user_id == user_id,
                Play.song_id == song_id,
                # An imported skip is not a play: a real play may start beside it.
                Play.counted.is_(True),
                Play.played_at > play.played_at - window,
                Play.played_at < play.played_at + window,
            )
        )
        .limit(1)
    )
    if existing is not None:
        return False
    session.add(
        Play(
            user_id=user_id,
            song_id=song_id,
            played_at=play.played_at,
            ms_played=play.ms_played,
            context_uri=play.context_uri,
            source=play.source,
        )
    )
    await session.flush()
    return True


def parse_spotify_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)


def plays_from_recently_played(items: Sequence[Json]) -> list[NewPlay]:
    """Plays from a recently-played page (Spotify only lists items played to the end;
    ones too short to count by our rule are skipped)."""
    plays = []
    for entry in items:
        track = entry.get("track") or {}
        if not track.get("uri") or not entry.get("played_at"):
            continue
        duration = int(track.get("duration_ms") or 0)
        if threshold_ms(duration) is None:
            continue
        ended = parse_spotify_time(str(entry["played_at"]))
        plays.append(
            NewPlay(
                item=track,
                played_at=ended - dt.timedelta(milliseconds=duration),
                ms_played=duration,
                context_uri=(entry.get("context") or {}).get("uri"),
                source="history",
            )
        )
    return plays


async def backfill(
    session: AsyncSession,
    user_id: int,
    items: Sequence[Json],
    songs: dict[str, int] | None = None,
) -> int:
    """Record the plays of a recently-played page not already stored; returns how many.

    ``songs``: their song ids by uri when the caller resolved them (else they are, in
    one catalog write)."""
    plays = sorted(plays_from_recently_played(items), key=lambda p: p.played_at)
    if songs is None:
        songs = await ensure_songs(session, [play.item for play in plays])
    added = 0
    for play in plays:
        added += await record_play(session, user_id, play, songs[str(play.item["uri"])])
    return added
