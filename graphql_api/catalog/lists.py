"""The top-level lists: songs, albums, artists and genres, filtered, sorted and paged
by key (the sort value and the id), so a page is stable while rows come and go.

Two statements per page: the count of everything the filter matches, and the page.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog.relations import ARTIST_ROLES
from graphql_api.catalog.search import name_matches
from graphql_api.catalog.visibility import visible
from graphql_api.db.models import (
    Album,
    Artist,
    Like,
    LikeTarget,
    Song,
    album_artists,
    album_genres,
    album_tracks,
    artist_genres,
    song_credits,
    song_genres,
)
from graphql_api.errors import BadUserInput
from graphql_api.kit.pagination import Page, check_first, cursor_int, decode_cursor, encode_cursor


class Source(enum.StrEnum):
    SPOTIFY = "SPOTIFY"
    MIXTAPE = "MIXTAPE"


class Sort(enum.StrEnum):
    NAME = "NAME"
    RELEASE_DATE = "RELEASE_DATE"
    DURATION = "DURATION"
    POPULARITY = "POPULARITY"
    CREATED = "CREATED"
    LIKES = "LIKES"


@dataclass(frozen=True)
class Range:
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Filter:
    """What a list keeps; ids are database ids, already checked."""

    text: str | None = None
    artist_id: int | None = None
    album_id: int | None = None
    genre_id: int | None = None
    song_id: int | None = None
    release_year: Range = field(default_factory=Range)
    duration_ms: Range = field(default_factory=Range)
    source: Source | None = None
    owned_by_me: bool = False
    liked_by_me: bool = False


@dataclass(frozen=True)
class ListQuery:
    first: int | None = None
    after: str | None = None
    filter: Filter = field(default_factory=Filter)
    sort: Sort = Sort.NAME
    descending: bool = False


# Sentinels so that NULLs sort (last ascending, first descending) and compare in keys.
_NO_TEXT = ""
_NO_NUMBER = -1


def _sort_column(model: Any, sort: Sort) -> tuple[Any, Any]:
    """The sort expression and the join it needs (None)."""
    if sort is Sort.NAME:
        return model.name, None
    if sort is Sort.CREATED:
        return model.created_at, None
    if sort is Sort.LIKES and hasattr(model, "like_count"):
        return model.like_count, None
    if sort is Sort.POPULARITY and hasattr(model, "popularity"):
        return func.coalesce(model.popularity, _NO_NUMBER), None
    if sort is Sort.DURATION and model is Song:
        return Song.duration_ms, None
    if sort is Sort.RELEASE_DATE and model is Album:
        return func.coalesce(Album.release_date, _NO_TEXT), None
    if sort is Sort.RELEASE_DATE and model is Song:
        released = (
            select(func.coalesce(Album.release_date, _NO_TEXT))
            .where(Album.id == Song.album_id)
            .scalar_subquery()
        )
        return func.coalesce(released, _NO_TEXT), None
    raise BadUserInput(f"{model.__name__}s cannot be sorted by {sort.value}.", argument="sort")


def _range(column: Any, bounds: Range, argument: str) -> list[ColumnElement[bool]]:
    if bounds.min is not None and bounds.max is not None and bounds.min > bounds.max:
        raise BadUserInput(f"`{argument}.min` is greater than `{argument}.max`.", argument=argument)
    found = []
    if bounds.min is not None:
        found.append(column >= bounds.min)
    if bounds.max is not None:
        found.append(column <= bounds.max)
    return found


_LIKE_TARGETS = {Song: LikeTarget.SONG, Album: LikeTarget.ALBUM, Artist: LikeTarget.ARTIST}


def liked_by(model: Any, viewer: int | None) -> ColumnElement[bool]:
    """Rows ``viewer`` likes (none for an anonymous viewer). Genres cannot be liked."""
    target = _LIKE_TARGETS.get(model)
    if target is None:
        raise BadUserInput(f"{model.__name__}s cannot be liked.", argument="filter")
    if viewer is None:
        return literal(False)
    return exists().where(
        Like.user_id == viewer, Like.target_type == target, Like.target_id == model.id
    )


def _linked(link: Any, owner: Any, owner_key: str, key: str, value: int) -> ColumnElement[bool]:
    return exists().where(link.c[owner_key] == owner, link.c[key] == value)


def _conditions(
    model: Any, flt: Filter, viewer: int | None, dialect: str
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [visible(model, viewer)]
    if flt.text:
        conditions.append(name_matches(model, flt.text, dialect))
    if flt.source is Source.SPOTIFY:
        conditions.append(model.owner_id.is_(None))
    elif flt.source is Source.MIXTAPE:
        conditions.append(model.owner_id.is_not(None))
    if flt.owned_by_me:
        conditions.append(model.owner_id == viewer if viewer is not None else literal(False))
    if flt.liked_by_me:
        conditions.append(liked_by(model, viewer))
    conditions += _relation_conditions(model, flt)
    return conditions


def _relation_conditions(model: Any, flt: Filter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    unsupported = []
    if model is Song:
        if flt.artist_id is not None:
            found.append(
                exists().where(
                    song_credits.c.song_id == Song.id,
                    song_credits.c.artist_id == flt.artist_id,
                    song_credits.c.role.in_(ARTIST_ROLES),
                )
            )
        if flt.album_id is not None:
            found.append(_linked(album_tracks, Song.id, "song_id", "album_id", flt.album_id))
        if flt.genre_id is not None:
            found.append(_linked(song_genres, Song.id, "song_id", "genre_id", flt.genre_id))
        if flt.release_year != Range():
            years = select(Album.id).where(
                Album.id == Song.album_id,
                *_range(Album.release_year, flt.release_year, "releaseYear"),
            )
            found.append(exists(years))
        found += _range(Song.duration_ms, flt.duration_ms, "durationMs")
        unsupported += ["songId"] if flt.song_id is not None else []
    elif model is Album:
        if flt.artist_id is not None:
            found.append(_linked(album_artists, Album.id, "album_id", "artist_id", flt.artist_id))
        if flt.genre_id is not None:
            found.append(_linked(album_genres, Album.id, "album_id", "genre_id", flt.genre_id))
        if flt.song_id is not None:
            found.append(_linked(album_tracks, Album.id, "album_id", "song_id", flt.song_id))
        found += _range(Album.release_year, flt.release_year, "releaseYear")
        unsupported += ["albumId"] if flt.album_id is not None else []
    elif model is Artist:
        if flt.genre_id is not None:
            found.append(_linked(artist_genres, Artist.id, "artist_id", "genre_id", flt.genre_id))
        if flt.album_id is not None:
            found.append(_linked(album_artists, Artist.id, "artist_id", "album_id", flt.album_id))
        if flt.song_id is not None:
            found.append(_linked(song_credits, Artist.id, "artist_id", "song_id", flt.song_id))
        unsupported += ["artistId"] if flt.artist_id is not None else []
    else:
        unsupported += [
            name
            for name, value in (
                ("artistId", flt.artist_id),
                ("albumId", flt.album_id),
                ("genreId", flt.genre_id),
                ("songId", flt.song_id),
            )
            if value is not None
        ]
    if model is not Song and flt.duration_ms != Range():
        unsupported.append("durationMs")
    if model not in (Song, Album) and flt.release_year != Range():
        unsupported.append("releaseYear")
    if unsupported:
        raise BadUserInput(
            f"{model.__name__}s cannot be filtered by {', '.join(unsupported)}.", argument="filter"
        )
    return found


def _encode_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).isoformat()
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


def _decode_value(text: str, sort: Sort) -> Any:
    try:
        value = json.loads(base64.urlsafe_b64decode(text.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadUserInput("Invalid cursor.", argument="after") from error
    expected = str if sort in (Sort.NAME, Sort.RELEASE_DATE, Sort.CREATED) else int
    if not isinstance(value, expected) or isinstance(value, bool):
        raise BadUserInput("Invalid cursor.", argument="after")
    if sort is Sort.CREATED:
        assert isinstance(value, str)
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError as error:
            raise BadUserInput("Invalid cursor.", argument="after") from error
        if moment.tzinfo is None:
            raise BadUserInput("Invalid cursor.", argument="after")
        return moment
    if isinstance(value, int) and abs(value) >= 2**63:
        raise BadUserInput("Invalid cursor.", argument="after")
    return value


def _cursor_kind(model: Any, query: ListQuery) -> str:
    # The list, its sort and its direction: a cursor of another order is refused.
    return f"{model.__tablename__}.{query.sort.value}.{'d' if query.descending else 'a'}"


async def catalog_list(
    session: AsyncSession, model: Any, query: ListQuery, viewer: int | None
) -> Page[Any]:
    """One page of ``model`` rows the viewer may see, per ``query``."""
    limit = check_first(query.first)
    dialect = session.get_bind().dialect.name
    column, _ = _sort_column(model, query.sort)
    conditions = _conditions(model, query.filter, viewer, dialect)
    total = int(
        await session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    )
    statement: Select[Any] = select(model, column.label("sort_value")).where(*conditions)
    kind = _cursor_kind(model, query)
    if query.after is not None:
        value_text, id_text = decode_cursor(query.after, kind, 2)
        key = (_decode_value(value_text, query.sort), cursor_int(id_text))
        compare = tuple_(column, model.id)
        statement = statement.where(compare < key if query.descending else compare > key)
    order = [column.desc(), model.id.desc()] if query.descending else [column, model.id]
    rows: Sequence[Any] = []
    if limit:
        rows = (await session.execute(statement.order_by(*order).limit(limit + 1))).all()
    edges = [
        (encode_cursor(kind, _encode_value(value), row.id), row) for row, value in rows[:limit]
    ]
    return Page(
        edges=edges, total=total, has_next=len(rows) > limit, has_previous=bool(query.after)
    )
