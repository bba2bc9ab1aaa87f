"""Reading releases: newest first, filtered, per artist, per viewer. Database only.

Newest first means by release date (any precision, see ``store.release_sort``), then
by the order Mixtape recorded them. Lists page by key (releases arrive while a client
pages): a cursor holds the last release's ``(release_sort, id)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    Album,
    Artist,
    Genre,
    IngestStatus,
    Release,
    ReleaseIngest,
    SavedAlbum,
    album_artists,
    artist_genres,
)
from graphql_api.errors import BadUserInput
from graphql_api.kit.pagination import Page, check_first, cursor_int, decode_cursor, encode_cursor
from graphql_api.library.credits import artist_genre_names, credited_artists
from graphql_api.releases.interest import artists_of

CURSOR = "r"
MAX_RELEASE_LIMIT = 100
ALBUM_TYPES = ("album", "single", "compilation")


@dataclass(frozen=True)
class ReleaseFilter:
    """Which releases: by album type, release date (inclusive), genre, artist."""

    album_type: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    genre: str | None = None
    artist_id: int | None = None

    def check(self) -> ReleaseFilter:
        """Itself, or BAD_USER_INPUT naming the argument that makes no sense."""
        if self.album_type is not None and self.album_type not in ALBUM_TYPES:
            raise BadUserInput(
                f"albumType must be one of {', '.join(ALBUM_TYPES)}.", argument="albumType"
            )
        if self.since and self.until and self.since > self.until:
            raise BadUserInput("`since` is after `until`.", argument="since")
        return self


@dataclass(frozen=True)
class ReleaseRow:
    """A release and its album."""

    release: Release
    album: Album


@dataclass(frozen=True)
class ArtistReleases:
    """An artist with their releases among the latest, and their genres."""

    artist: Artist
    genres: list[str]
    releases: list[ReleaseRow]


def _filtered(statement: Select[Release, Album], chosen: ReleaseFilter) -> Select[Release, Album]:
    if chosen.album_type is not None:
        statement = statement.where(Album.album_type == chosen.album_type)
    if chosen.since is not None:
        statement = statement.where(Release.release_sort >= chosen.since.isoformat())
    if chosen.until is not None:
        # "2026-03-31" sorts before "2026-03-31" + anything: the whole day is included.
        statement = statement.where(Release.release_sort <= chosen.until.isoformat())
    if chosen.artist_id is not None:
        statement = statement.where(
            exists().where(
                album_artists.c.album_id == Album.id, album_artists.c.artist_id == chosen.artist_id
            )
        )
    if chosen.genre is not None:
        genre_artists = (
            select(artist_genres.c.artist_id)
            .join(Genre, Genre.id == artist_genres.c.genre_id)
            .where(func.lower(Genre.name) == chosen.genre.lower())
        )
        statement = statement.where(
            exists().where(
                album_artists.c.album_id == Album.id,
                album_artists.c.artist_id.in_(genre_artists),
            )
        )
    return statement


def _releases(chosen: ReleaseFilter) -> Select[Release, Album]:
    return _filtered(select(Release, Album).join(Album, Album.id == Release.album_id), chosen)


def _after(cursor: str | None) -> tuple[str, int] | None:
    if cursor is None:
        return None
    sort, release_id = decode_cursor(cursor, CURSOR, 2)
    if len(sort) != 10:
        raise BadUserInput("Invalid cursor.", argument="after")
    return sort, cursor_int(release_id)


async def _page(
    session: AsyncSession,
    statement: Select[Release, Album],
    first: int | None,
    after: str | None,
    *,
    counted: bool = True,
) -> Page[ReleaseRow]:
    """A page newest first; ``counted=False`` skips counting the whole list (total -1)."""
    limit = check_first(first)
    total = -1
    if counted:
        whole = statement.order_by(None).subquery()
        total = int(await session.scalar(select(func.count()).select_from(whole)) or 0)
    position = _after(after)
    if position is not None:
        sort, release_id = position
        statement = statement.where(
            or_(
                Release.release_sort < sort,
                and_(Release.release_sort == sort, Release.id < release_id),
            )
        )
    ordered = statement.order_by(Release.release_sort.desc(), Release.id.desc())
    rows = [] if limit == 0 else list((await session.execute(ordered.limit(limit + 1))).all())
    found = [ReleaseRow(release, album) for release, album in rows[:limit]]
    return Page(
        edges=[(encode_cursor(CURSOR, r.release.release_sort, r.release.id), r) for r in found],
        total=total,
        has_next=len(rows) > limit,
        has_previous=position is not None,
    )


async def new_releases(
    session: AsyncSession, chosen: ReleaseFilter, first: int | None, after: str | None
) -> Page[ReleaseRow]:
    """Releases matching ``chosen``, newest first."""
    return await _page(session, _releases(chosen.check()), first, after)


def _radar(user_id: int) -> Select[Release, Album]:
    theirs = select(album_artists.c.album_id).where(
        album_artists.c.artist_id.in_(artists_of(user_id))
    )
    return _releases(ReleaseFilter()).where(Release.album_id.in_(theirs))


async def release_radar(
    session: AsyncSession, user_id: int, first: int | None, after: str | None
) -> Page[ReleaseRow]:
    """Releases by the artists ``user_id`` follows or saved music of, newest first."""
    return await _page(session, _radar(user_id), first, after)


async def radar_among(
    session: AsyncSession, user_id: int, release_ids: Sequence[int]
) -> list[ReleaseRow]:
    """Which of ``release_ids`` are on the user's radar, newest first."""
    statement = (
        _radar(user_id)
        .where(Release.id.in_(sorted(set(release_ids))))
        .order_by(Release.release_sort.desc(), Release.id.desc())
    )
    return [ReleaseRow(release, album) for release, album in await session.execute(statement)]


async def saved_among(session: AsyncSession, user_id: int, album_ids: Sequence[int]) -> set[int]:
    """Which of ``album_ids`` are in the user's saved albums now."""
    if not album_ids:
        return set()
    rows = await session.scalars(
        select(SavedAlbum.album_id).where(
            SavedAlbum.user_id == user_id,
            SavedAlbum.until_version.is_(None),
            SavedAlbum.album_id.in_(sorted(set(album_ids))),
        )
    )
    return set(rows)


def check_release_limit(value: int) -> int:
    """``release_limit``: 1..100, else BAD_USER_INPUT naming it."""
    if not 1 <= value <= MAX_RELEASE_LIMIT:
        raise BadUserInput(
            f"release_limit must be between 1 and {MAX_RELEASE_LIMIT}.", argument="release_limit"
        )
    return value


async def artists_with_new_releases(
    session: AsyncSession, release_limit: int, chosen: ReleaseFilter | None = None
) -> list[ArtistReleases]:
    """The artists behind the latest ``release_limit`` releases, each with their releases
    among them, in the order of their newest one. Three statements whatever the limit."""
    statement = _releases((chosen or ReleaseFilter()).check())
    limit = check_release_limit(release_limit)
    rows = (await _page(session, statement, limit, None, counted=False)).nodes
    credited = await credited_artists(session, album_artists, [r.album.id for r in rows])
    by_artist: dict[int, tuple[Artist, list[ReleaseRow]]] = {}
    for row in rows:
        for artist in credited.get(row.album.id, []):
            by_artist.setdefault(artist.id, (artist, []))[1].append(row)
    genres = await artist_genre_names(session, by_artist)
    return [
        ArtistReleases(artist, genres.get(artist.id, []), releases)
        for artist, releases in by_artist.values()
    ]


async def releases_ingested_at(session: AsyncSession) -> dt.datetime | None:
    """When the last successful ingest finished (None: never)."""
    return await session.scalar(
        select(func.max(ReleaseIngest.finished_at)).where(
            ReleaseIngest.status == IngestStatus.SUCCEEDED
        )
    )
