"""Reads for the API: listening history pages, who is playing now, poller health."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    Artist,
    NowPlaying,
    Play,
    Poller,
    Song,
    SpotifyAccount,
    User,
    song_performers,
)
from graphql_api.errors import BadUserInput
from graphql_api.kit.pagination import Page, check_first, cursor_int, decode_cursor, encode_cursor
from graphql_api.listening.playback import PlayingItem
from graphql_api.listening.sharing import visible_to
from graphql_api.settings import Settings

# Cursor kinds: a play (played_at, id), newest first; a user (id) of who listens now.
PLAY_CURSOR = "p"
USER_CURSOR = "u"


@dataclass(frozen=True)
class PlayRecord:
    play: Play
    item: PlayingItem


async def _artist_names(session: AsyncSession, song_ids: list[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(song_performers.c.song_id, Artist.name)
        .join(Artist, Artist.id == song_performers.c.artist_id)
        .where(song_performers.c.song_id.in_(song_ids))
        .order_by(song_performers.c.song_id, song_performers.c.position)
    )
    names: dict[int, list[str]] = {}
    for song_id, name in rows:
        names.setdefault(int(song_id), []).append(str(name))
    return names


async def listening_history(
    session: AsyncSession,
    user_id: int,
    *,
    first: int | None = None,
    after: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> Page[PlayRecord]:
    """``user_id``'s plays, newest first, within ``[since, until)``."""
    limit = check_first(first)
    if since is not None and until is not None and since >= until:
        raise BadUserInput("since must be before until.", argument="since")
    # Skips from an imported export (counted = false) are not listening history.
    conditions = [Play.user_id == user_id, Play.counted.is_(True)]
    if since is not None:
        conditions.append(Play.played_at >= since)
    if until is not None:
        conditions.append(Play.played_at < until)
    total = await session.scalar(select(func.count()).select_from(Play).where(*conditions)) or 0
    if after is not None:
        stamp, play_id = decode_cursor(after, PLAY_CURSOR, 2)
        key = cursor_int(play_id)
        try:
            at = dt.datetime.fromisoformat(stamp)
            # A crafted cursor may hold a time without a timezone, or one outside the
            # calendar in UTC: no column compares to either.
            if at.utcoffset() is None:
                raise ValueError(stamp)
            at = at.astimezone(dt.UTC)
        except (ValueError, OverflowError) as error:
            raise BadUserInput("Invalid cursor.", argument="after") from error
        conditions.append(or_(Play.played_at < at, and_(Play.played_at == at, Play.id < key)))
    rows = (
        await session.execute(
            select(Play, Song)
            .join(Song, Song.id == Play.song_id)
            .where(*conditions)
            .order_by(Play.played_at.desc(), Play.id.desc())
            .limit(limit + 1)
        )
    ).all()
    names = await _artist_names(session, [song.id for _, song in rows[:limit]])
    edges = [
        (
            encode_cursor(PLAY_CURSOR, play.played_at.isoformat(), play.id),
            PlayRecord(
                play=play,
                item=PlayingItem(
                    uri=song.spotify_uri or "",
                    kind=song.kind,
                    name=song.name,
                    duration_ms=song.duration_ms,
                    spotify_id=song.spotify_id,
                    artist_names=tuple(names.get(song.id, ())),
                    is_local=song.is_local,
                    explicit=song.explicit,
                ),
            ),
        )
        for play, song in rows[:limit]
    ]
    return Page(edges, total, has_next=len(rows) > limit, has_previous=after is not None)


def fresh_after(settings: Settings) -> dt.datetime:
    """States older than this are stale (the poller stopped or fell far behind)."""
    window = settings.poll_playing_seconds * 10 + settings.poll_paused_seconds + 60
    return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=window)


async def listening_now(
    session: AsyncSession,
    settings: Settings,
    viewer_id: int,
    *,
    first: int | None,
    after: str | None,
) -> Page[tuple[User, NowPlaying]]:
    """Users playing something right now whom ``viewer_id`` may see, by user id."""
    limit = check_first(first)
    conditions = [
        NowPlaying.is_playing.is_(True),
        NowPlaying.item.is_not(None),
        NowPlaying.observed_at >= fresh_after(settings),
        visible_to(viewer_id),
    ]
    query = select(User, NowPlaying).join(NowPlaying, NowPlaying.user_id == User.id)
    total = (
        await session.scalar(
            select(func.count())
            .select_from(User)
            .join(NowPlaying, NowPlaying.user_id == User.id)
            .where(*conditions)
        )
        or 0
    )
    if after is not None:
        (key,) = decode_cursor(after, USER_CURSOR, 1)
        conditions.append(User.id > cursor_int(key))
    rows = (
        await session.execute(query.where(*conditions).order_by(User.id).limit(limit + 1))
    ).all()
    edges = [(encode_cursor(USER_CURSOR, user.id), (user, state)) for user, state in rows[:limit]]
    return Page(edges, total, has_next=len(rows) > limit, has_previous=after is not None)


@dataclass(frozen=True)
class PollerHealth:
    enabled: bool
    last_poll_at: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None
    next_poll_at: dt.datetime | None
    stopped_reason: str | None


async def poller_health(session: AsyncSession, settings: Settings, user_id: int) -> PollerHealth:
    """The state of ``user_id``'s poller, with why it does not run when it does not."""
    poller = await session.get(Poller, user_id)
    account = await session.get(SpotifyAccount, user_id)
    reason = poller.stopped_reason if poller is not None else None
    disabled = await session.scalar(select(User.disabled_at).where(User.id == user_id))
    if disabled is not None:
        reason = "ACCOUNT_DISABLED"
    elif account is None:
        reason = "SPOTIFY_NOT_LINKED"
    elif account.needs_relink:
        reason = "SPOTIFY_RELINK_REQUIRED"
    elif poller is not None and not poller.enabled:
        reason = "DISABLED"
    elif not settings.poll_enabled:
        reason = "POLLING_OFF"
    running = reason is None
    return PollerHealth(
        enabled=poller.enabled if poller is not None else account is not None,
        last_poll_at=poller.last_poll_at if poller else None,
        last_error=poller.last_error if poller else None,
        last_error_at=poller.last_error_at if poller else None,
        next_poll_at=(poller.next_poll_at if poller else None) if running else None,
        stopped_reason=reason,
    )


async def set_polling(session: AsyncSession, user_id: int, enabled: bool) -> None:
    """Turn ``user_id``'s poller on or off (on: due at once)."""
    poller = await session.get(Poller, user_id)
    if poller is None:
        poller = Poller(user_id=user_id)
        session.add(poller)
    poller.enabled = enabled
    poller.stopped_reason = None if enabled else "DISABLED"
    poller.next_poll_at = dt.datetime.now(dt.UTC)
    await session.flush()
