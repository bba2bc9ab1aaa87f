"""Browsing one snapshot: filtered, sorted, paged lists of what the library held.

Every list is the membership rows visible at the snapshot's version, joined to the
catalog. A page is one query for its rows and one for its count and total duration,
whatever its size; what each row links to is loaded by DataLoaders.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    Album,
    Artist,
    FollowedArtist,
    Genre,
    LibraryPlaylist,
    LibrarySnapshot,
    PlaylistItem,
    PlaylistVersion,
    SavedAlbum,
    SavedTrack,
    Song,
    album_artists,
    artist_genres,
    song_performers,
)
from graphql_api.kit.ids import MAX_DB_INT
from graphql_api.kit.pagination import Window, paginate
from graphql_api.library.bulk import chunks
from graphql_api.library.memberships import visible_at

T = TypeVar("T")


class SortKey(enum.StrEnum):
    ADDED_AT = "ADDED_AT"
    NAME = "NAME"
    ARTIST = "ARTIST"
    DURATION = "DURATION"
    RELEASE_DATE = "RELEASE_DATE"
    POSITION = "POSITION"


@dataclass(frozen=True)
class ListQuery:
    """How to filter, sort and page a list."""

    window: Window = field(default_factory=Window)
    text: str | None = None
    added_after: dt.datetime | None = None
    added_before: dt.datetime | None = None
    sort: SortKey = SortKey.ADDED_AT
    descending: bool = True


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: Sequence[T]
    total_count: int
    total_duration_ms: int = 0


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _owner_column(link: Any) -> Any:
    return link.c.song_id if "song_id" in link.c else link.c.album_id


def _artist_matches(link: Any, owner: Any, pattern: str) -> ColumnElement[bool]:
    """Some artist credited on ``owner`` has a name or a genre matching ``pattern``."""
    genre = exists().where(
        artist_genres.c.artist_id == Artist.id,
        artist_genres.c.genre_id == Genre.id,
        Genre.name.ilike(pattern, escape="\\"),
    )
    return exists().where(
        _owner_column(link) == owner,
        link.c.artist_id == Artist.id,
        or_(Artist.name.ilike(pattern, escape="\\"), genre),
    )


def _first_artist_name(link: Any, owner: Any) -> Any:
    return (
        select(Artist.name)
        .join(link, link.c.artist_id == Artist.id)
        .where(_owner_column(link) == owner, link.c.position == 0)
        .scalar_subquery()
    )


def _order(statement: Any, column: Any, descending: bool, tiebreak: Any) -> Any:
    ordered = column.desc() if descending else column.asc()
    # NULLs last either way, then a unique tiebreak so pages never overlap.
    return statement.order_by(column.is_(None), ordered, tiebreak)


async def _page(
    session: AsyncSession, statement: Any, query: ListQuery, duration: Any = None
) -> tuple[list[Any], int, int]:
    sum_of = "item_duration_ms" if duration is not None else None
    found = await paginate(session, statement, query.window, sum_of=sum_of)
    return found.rows, found.total, found.summed


def _added_range(column: Any, query: ListQuery) -> list[ColumnElement[bool]]:
    conditions = []
    if query.added_after is not None:
        conditions.append(column >= query.added_after)
    if query.added_before is not None:
        conditions.append(column < query.added_before)
    return conditions


async def saved_tracks(
    session: AsyncSession, snapshot: LibrarySnapshot, query: ListQuery
) -> Page[tuple[SavedTrack, Song]]:
    """The snapshot's saved tracks (filter on track, artist, album or genre)."""
    statement = (
        select(SavedTrack, Song, Song.duration_ms.label("item_duration_ms"))
        .join(Song, Song.id == SavedTrack.song_id)
        .outerjoin(Album, Album.id == Song.album_id)
        .where(visible_at(SavedTrack, snapshot.user_id, snapshot.version))
        .where(*_added_range(SavedTrack.added_at, query))
    )
    if query.text:
        pattern = _like(query.text)
        statement = statement.where(
            or_(
                Song.name.ilike(pattern, escape="\\"),
                Album.name.ilike(pattern, escape="\\"),
                _artist_matches(song_performers, Song.id, pattern),
            )
        )
    column = {
        SortKey.NAME: Song.name,
        SortKey.ARTIST: _first_artist_name(song_performers, Song.id),
        SortKey.DURATION: Song.duration_ms,
        SortKey.RELEASE_DATE: Album.release_date,
    }.get(query.sort, SavedTrack.added_at)
    statement = _order(statement, column, query.descending, Song.id)
    rows, total, duration = await _page(session, statement, query, duration=True)
    return Page([(row[0], row[1]) for row in rows], total, duration)


async def saved_albums(
    session: AsyncSession, snapshot: LibrarySnapshot, query: ListQuery
) -> Page[tuple[SavedAlbum, Album]]:
    """The snapshot's saved albums (filter on album, artist or genre)."""
    statement = (
        select(SavedAlbum, Album)
        .join(Album, Album.id == SavedAlbum.album_id)
        .where(visible_at(SavedAlbum, snapshot.user_id, snapshot.version))
        .where(*_added_range(SavedAlbum.added_at, query))
    )
    if query.text:
        pattern = _like(query.text)
        statement = statement.where(
            or_(
                Album.name.ilike(pattern, escape="\\"),
                _artist_matches(album_artists, Album.id, pattern),
            )
        )
    column = {
        SortKey.NAME: Album.name,
        SortKey.ARTIST: _first_artist_name(album_artists, Album.id),
        SortKey.RELEASE_DATE: Album.release_date,
    }.get(query.sort, SavedAlbum.added_at)
    statement = _order(statement, column, query.descending, Album.id)
    rows, total, _ = await _page(session, statement, query)
    return Page([(row[0], row[1]) for row in rows], total)


async def followed_artists(
    session: AsyncSession, snapshot: LibrarySnapshot, query: ListQuery
) -> Page[Artist]:
    """The snapshot's followed artists (filter on name or genre)."""
    statement = (
        select(Artist, FollowedArtist.position)
        .join(FollowedArtist, FollowedArtist.artist_id == Artist.id)
        .where(visible_at(FollowedArtist, snapshot.user_id, snapshot.version))
    )
    if query.text:
        pattern = _like(query.text)
        genre = exists().where(
            artist_genres.c.artist_id == Artist.id,
            artist_genres.c.genre_id == Genre.id,
            Genre.name.ilike(pattern, escape="\\"),
        )
        statement = statement.where(or_(Artist.name.ilike(pattern, escape="\\"), genre))
    column = (
        Artist.name if query.sort in (SortKey.NAME, SortKey.ARTIST) else FollowedArtist.position
    )
    descending = query.descending if query.sort in (SortKey.NAME, SortKey.ARTIST) else False
    statement = _order(statement, column, descending, Artist.id)
    rows, total, _ = await _page(session, statement, query)
    return Page([row[0] for row in rows], total)


async def playlists(
    session: AsyncSession, snapshot: LibrarySnapshot, query: ListQuery
) -> Page[PlaylistVersion]:
    """The snapshot's playlists, in the user's order unless sorted by name."""
    statement = (
        select(PlaylistVersion, LibraryPlaylist.position)
        .join(LibraryPlaylist, LibraryPlaylist.version_id == PlaylistVersion.id)
        .where(visible_at(LibraryPlaylist, snapshot.user_id, snapshot.version))
    )
    if query.text:
        statement = statement.where(PlaylistVersion.name.ilike(_like(query.text), escape="\\"))
    by_name = query.sort is SortKey.NAME
    column = PlaylistVersion.name if by_name else LibraryPlaylist.position
    statement = _order(
        statement, column, query.descending if by_name else False, PlaylistVersion.id
    )
    rows, total, _ = await _page(session, statement, query)
    return Page([row[0] for row in rows], total)


async def playlist_items(
    session: AsyncSession, version_ids: Sequence[int], window: Window
) -> dict[int, Page[PlaylistItem]]:
    """The same window of items of many playlist versions, each in playlist order.

    Two statements for any number of versions (per chunk of ids): the counts and total
    durations grouped by version, and the windows themselves, numbered per version.
    """
    pages: dict[int, Page[PlaylistItem]] = {v: Page([], 0) for v in version_ids}
    for chunk in chunks(sorted(set(version_ids))):
        totals = await session.execute(
            select(
                PlaylistItem.version_id,
                func.count(),
                func.coalesce(func.sum(Song.duration_ms), 0),
            )
            .outerjoin(Song, Song.id == PlaylistItem.song_id)
            .where(PlaylistItem.version_id.in_(chunk))
            .group_by(PlaylistItem.version_id)
        )
        counted = {int(v): (int(n), int(ms)) for v, n, ms in totals}
        rows: dict[int, list[PlaylistItem]] = {v: [] for v in chunk}
        # Bound in Python: offset + limit may pass what a BIGINT holds.
        last = min(window.offset + window.limit, MAX_DB_INT)
        if window.limit and counted:
            numbered = (
                select(
                    PlaylistItem.version_id,
                    PlaylistItem.position,
                    func.row_number()
                    .over(partition_by=PlaylistItem.version_id, order_by=PlaylistItem.position)
                    .label("n"),
                )
                .where(PlaylistItem.version_id.in_(chunk))
                .subquery()
            )
            result = await session.scalars(
                select(PlaylistItem)
                .join(
                    numbered,
                    (numbered.c.version_id == PlaylistItem.version_id)
                    & (numbered.c.position == PlaylistItem.position),
                )
                .where(numbered.c.n > window.offset, numbered.c.n <= last)
                .order_by(PlaylistItem.version_id, PlaylistItem.position)
            )
            for item in result:
                rows[item.version_id].append(item)
        for version_id in chunk:
            count, duration = counted.get(version_id, (0, 0))
            pages[version_id] = Page(rows[version_id], count, duration)
    return pages


__all__ = ["ListQuery", "Page", "SortKey"]
