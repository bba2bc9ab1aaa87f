"""Listening statistics of one user over a time range, in their timezone, in SQL.

Each statistic is one aggregate query over the user's counted plays in the range (the
``(user_id, played_at)`` index finds them); ``StatsScope`` says whose, when and where.
Skips (``counted = false``, from imports) count only in the skip rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from graphql_api.catalog.visibility import visible
from graphql_api.db.models import (
    Album,
    Artist,
    CreditRole,
    Genre,
    Play,
    Song,
    artist_genres,
    song_credits,
)
from graphql_api.errors import BadUserInput
from graphql_api.history.local_time import EARLIEST, LocalTime, zone_of

UNITS = ("day", "week", "month")
MAX_TOP = 100


@dataclass(frozen=True)
class StatsScope:
    """Whose plays, in which range (``[since, until)``), seen by whom, in which zone."""

    user_id: int
    viewer_id: int | None
    since: dt.datetime
    until: dt.datetime
    local: LocalTime

    @classmethod
    def of(
        cls,
        dialect: str,
        user_id: int,
        viewer_id: int | None,
        since: dt.datetime | None,
        until: dt.datetime | None,
        timezone: str,
    ) -> StatsScope:
        zone = zone_of(timezone)
        start = since or EARLIEST
        end = until or dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        if start >= end:
            raise BadUserInput("since must be before until.", argument="range")
        return cls(user_id, viewer_id, start, end, LocalTime(dialect, zone, start, end))

    async def fitted(self, session: AsyncSession) -> StatsScope:
        """The same scope, its local-time span cut to the plays it holds: on SQLite each
        play is tested against the zone's offset changes in the span, and an open range
        starts in 2000."""
        first, last = (
            await session.execute(
                select(func.min(Play.played_at), func.max(Play.played_at)).where(
                    Play.user_id == self.user_id,
                    Play.played_at >= self.since,
                    Play.played_at < self.until,
                )
            )
        ).one()
        if first is None or last is None:
            return self
        start = max(self.since, _aware(first))
        end = min(self.until, _aware(last) + dt.timedelta(seconds=1))
        return replace(self, local=replace(self.local, since=start, until=end))

    def plays(self, *, counted: bool = True) -> ColumnElement[bool]:
        return and_(
            Play.user_id == self.user_id,
            Play.counted.is_(counted),
            Play.played_at >= self.since,
            Play.played_at < self.until,
        )


@dataclass(frozen=True)
class Totals:
    plays: int
    ms_played: int
    skips: int

    @property
    def skip_rate(self) -> float | None:
        """Skips among all starts (plays and skips); None when there were none."""
        starts = self.plays + self.skips
        return self.skips / starts if starts else None


@dataclass(frozen=True)
class Ranked:
    """One entry of a top list: the row, its plays and time played."""

    row: Any
    plays: int
    ms_played: int


@dataclass(frozen=True)
class Cell:
    weekday: int
    hour: int
    plays: int


@dataclass(frozen=True)
class Period:
    start: dt.date
    plays: int
    ms_played: int


@dataclass(frozen=True)
class Streaks:
    longest_days: int
    longest_start: dt.date | None
    longest_end: dt.date | None
    current_days: int


@dataclass(frozen=True)
class Discovery:
    artist: Artist
    first_played_at: dt.datetime


def _first(first: int | None) -> int:
    limit = 10 if first is None else first
    if not 0 <= limit <= MAX_TOP:
        raise BadUserInput(f"first must be between 0 and {MAX_TOP}.", argument="first")
    return limit


EPOCH = dt.date(1970, 1, 1)


def _date(value: object) -> dt.date:
    if isinstance(value, int):  # SQLite: a day number since the epoch
        return EPOCH + dt.timedelta(days=value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


async def totals(session: AsyncSession, scope: StatsScope) -> Totals:
    plays, ms = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Play.ms_played), 0)).where(scope.plays())
        )
    ).one()
    skips = await session.scalar(select(func.count()).where(scope.plays(counted=False)))
    return Totals(int(plays or 0), int(ms or 0), int(skips or 0))


async def _ranked(
    session: AsyncSession, statement: Select[Any], model: Any, first: int | None
) -> list[Ranked]:
    limit = _first(first)
    if limit == 0:
        return []
    counted = statement.subquery()
    rows = await session.execute(
        select(model, counted.c.plays, counted.c.ms)
        .join(counted, counted.c.key == model.id)
        .order_by(counted.c.plays.desc(), counted.c.ms.desc(), model.id)
        .limit(limit)
    )
    return [Ranked(row, int(plays), int(ms or 0)) for row, plays, ms in rows]


def _measures(plays: Any = None) -> tuple[Any, Any]:
    if plays is None:
        return func.count().label("plays"), func.coalesce(func.sum(Play.ms_played), 0).label("ms")
    return plays.label("plays"), func.coalesce(func.sum(Play.ms_played), 0).label("ms")


def _per_song(scope: StatsScope) -> Any:
    """Plays and time per song in the scope: the one pass over the plays that the top
    lists share (an index-only scan of ``ix_plays_stats``). Artists, albums and genres are
    then summed over the songs (tens of thousands of rows) instead of joined with every
    play (a million)."""
    return (
        select(Play.song_id.label("song_id"), *_measures())
        .where(scope.plays())
        .group_by(Play.song_id)
        .subquery()
    )


def _summed(songs: Any) -> tuple[Any, Any]:
    return func.sum(songs.c.plays).label("plays"), func.sum(songs.c.ms).label("ms")


async def top_songs(session: AsyncSession, scope: StatsScope, first: int | None) -> list[Ranked]:
    songs = _per_song(scope)
    statement = (
        select(songs.c.song_id.label("key"), songs.c.plays, songs.c.ms)
        .join(Song, Song.id == songs.c.song_id)
        .where(visible(Song, scope.viewer_id))
    )
    return await _ranked(session, statement, Song, first)


def _performers() -> Any:
    return song_credits.c.role == CreditRole.PERFORMER.value


async def top_artists(session: AsyncSession, scope: StatsScope, first: int | None) -> list[Ranked]:
    """Artists by the plays of songs they perform on (a duet counts for both)."""
    songs = _per_song(scope)
    statement = (
        select(song_credits.c.artist_id.label("key"), *_summed(songs))
        .join(song_credits, and_(song_credits.c.song_id == songs.c.song_id, _performers()))
        .join(Artist, Artist.id == song_credits.c.artist_id)
        .where(visible(Artist, scope.viewer_id))
        .group_by(song_credits.c.artist_id)
    )
    return await _ranked(session, statement, Artist, first)


async def top_albums(session: AsyncSession, scope: StatsScope, first: int | None) -> list[Ranked]:
    songs = _per_song(scope)
    statement = (
        select(Song.album_id.label("key"), *_summed(songs))
        .join(Song, Song.id == songs.c.song_id)
        .join(Album, Album.id == Song.album_id)
        .where(visible(Album, scope.viewer_id))
        .group_by(Song.album_id)
    )
    return await _ranked(session, statement, Album, first)


async def top_genres(session: AsyncSession, scope: StatsScope, first: int | None) -> list[Ranked]:
    """Genres by the plays of songs whose performers have them (a play counts once per
    genre, however many of its performers have it: each song counts once per genre)."""
    songs = _per_song(scope)
    song_genres = (
        select(song_credits.c.song_id, artist_genres.c.genre_id)
        .join(artist_genres, artist_genres.c.artist_id == song_credits.c.artist_id)
        .where(_performers(), song_credits.c.song_id.in_(select(songs.c.song_id)))
        .distinct()
        .subquery()
    )
    statement = (
        select(song_genres.c.genre_id.label("key"), *_summed(songs))
        .join(song_genres, song_genres.c.song_id == songs.c.song_id)
        .join(Genre, Genre.id == song_genres.c.genre_id)
        .where(visible(Genre, scope.viewer_id))
        .group_by(song_genres.c.genre_id)
    )
    return await _ranked(session, statement, Genre, first)


async def heatmap(session: AsyncSession, scope: StatsScope) -> list[Cell]:
    """Plays by local weekday (1 = Monday) and hour; only cells with plays."""
    weekday = scope.local.weekday(Play.played_at).label("weekday")
    hour = scope.local.hour(Play.played_at).label("hour")
    rows = await session.execute(
        select(weekday, hour, func.count())
        .where(scope.plays())
        .group_by(weekday, hour)
        .order_by(weekday, hour)
    )
    return [Cell(int(w), int(h), int(n)) for w, h, n in rows]


async def periods(session: AsyncSession, scope: StatsScope, unit: str) -> list[Period]:
    """Plays and time per local day, ISO week (by its Monday) or month (by its 1st)."""
    if unit not in UNITS:
        raise BadUserInput(f"unit must be one of {', '.join(UNITS)}.", argument="unit")
    bucket = scope.local.bucket(Play.played_at, unit).label("bucket")
    rows = await session.execute(
        select(bucket, *_measures()).where(scope.plays()).group_by(bucket).order_by(bucket)
    )
    return [Period(_date(start), int(n), int(ms or 0)) for start, n, ms in rows]


async def streaks(session: AsyncSession, scope: StatsScope, today: dt.date) -> Streaks:
    """The longest run of consecutive local days with a play in the range, and the run
    ending today (or yesterday: today may not have been played yet)."""
    days = [p.start for p in await periods(session, scope, "day")]
    best: tuple[int, dt.date | None, dt.date | None] = (0, None, None)
    run_start: dt.date | None = None
    previous: dt.date | None = None
    length = 0
    for day in days:
        if previous is not None and day - previous == dt.timedelta(days=1):
            length += 1
        else:
            run_start, length = day, 1
        if length > best[0]:
            best = (length, run_start, day)
        previous = day
    current = length if previous is not None and (today - previous).days <= 1 else 0
    return Streaks(best[0], best[1], best[2], current)


async def discoveries(
    session: AsyncSession, scope: StatsScope, first: int | None
) -> tuple[list[Discovery], int]:
    """Artists first played (ever, by this user) within the range, earliest first; and how
    many there were."""
    limit = _first(first)
    # Each song's first play, then each artist's earliest over their songs: the join with
    # the credits is over songs, not over every play.
    song_firsts = (
        select(Play.song_id, func.min(Play.played_at).label("first"))
        .where(Play.user_id == scope.user_id, Play.counted.is_(True))
        .group_by(Play.song_id)
        .subquery()
    )
    firsts = (
        select(song_credits.c.artist_id, func.min(song_firsts.c.first).label("first"))
        .join(song_credits, and_(song_credits.c.song_id == song_firsts.c.song_id, _performers()))
        .group_by(song_credits.c.artist_id)
        .subquery()
    )
    in_range = and_(firsts.c.first >= scope.since, firsts.c.first < scope.until)
    # One pass: every discovery's id and date (at most the user's artists), then the rows
    # of the first ``limit`` only.
    found_ids = (
        await session.execute(
            select(Artist.id, firsts.c.first)
            .join(firsts, firsts.c.artist_id == Artist.id)
            .where(in_range, visible(Artist, scope.viewer_id))
            .order_by(firsts.c.first, Artist.id)
        )
    ).all()
    shown = found_ids[:limit]
    artists = {
        artist.id: artist
        for artist in await session.scalars(
            select(Artist).where(Artist.id.in_([artist_id for artist_id, _ in shown]))
        )
    }
    found = [Discovery(artists[artist_id], _aware(at)) for artist_id, at in shown]
    return found, len(found_ids)


def _aware(value: dt.datetime | str) -> dt.datetime:
    """``min(played_at)`` comes back as text on SQLite (an aggregate loses the type)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
