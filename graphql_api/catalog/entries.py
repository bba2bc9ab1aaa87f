"""The viewer's own catalog entries: create, update and delete songs, albums, artists
and genres. Everything is checked before anything is written, and the caller's unit of
work commits it all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog.access import check_visible, own_row
from graphql_api.catalog.usage import song_usages
from graphql_api.db.models import (
    Album,
    Artist,
    Genre,
    Song,
    album_artists,
    album_genres,
    artist_genres,
    song_genres,
)
from graphql_api.errors import BadUserInput, Conflict
from graphql_api.kit.text import check_text

MAX_NAME = 200
MAX_LINKS = 100
MAX_DURATION_MS = 7 * 24 * 3600 * 1000
UNSET: Any = object()


def check_name(value: str, argument: str = "name") -> str:
    """A trimmed name of 1 to MAX_NAME characters, else BAD_USER_INPUT."""
    name = check_text(value.strip(), MAX_NAME, name=f"`{argument}`", argument=argument)
    if not name:
        raise BadUserInput(f"`{argument}` must not be empty.", argument=argument)
    return name


def check_duration(value: int) -> int:
    if not 0 <= value <= MAX_DURATION_MS:
        raise BadUserInput(
            f"`durationMs` must be between 0 and {MAX_DURATION_MS}.", argument="durationMs"
        )
    return value


def check_year(value: int | None) -> int | None:
    if value is not None and not 0 < value <= dt.datetime.now(dt.UTC).year + 5:
        raise BadUserInput("`releaseYear` is not a plausible year.", argument="releaseYear")
    return value


def check_ids(ids: Sequence[int], argument: str) -> list[int]:
    if len(ids) > MAX_LINKS:
        raise BadUserInput(f"`{argument}` takes at most {MAX_LINKS} ids.", argument=argument)
    if len(set(ids)) != len(ids):
        raise BadUserInput(f"`{argument}` names an id twice.", argument=argument)
    return list(ids)


@dataclass(frozen=True)
class SongFields:
    name: Any = UNSET
    duration_ms: Any = UNSET
    explicit: Any = UNSET
    isrc: Any = UNSET
    is_public: Any = UNSET
    genre_ids: Any = UNSET


@dataclass(frozen=True)
class AlbumFields:
    name: Any = UNSET
    album_type: Any = UNSET
    release_year: Any = UNSET
    label: Any = UNSET
    is_public: Any = UNSET
    artist_ids: Any = UNSET
    genre_ids: Any = UNSET


@dataclass(frozen=True)
class ArtistFields:
    name: Any = UNSET
    is_public: Any = UNSET
    genre_ids: Any = UNSET


@dataclass(frozen=True)
class GenreFields:
    name: Any = UNSET
    is_public: Any = UNSET


async def _set_links(
    session: AsyncSession,
    link: Any,
    owner_key: str,
    owner_id: int,
    key: str,
    ids: list[int],
    ordered: bool = False,
) -> None:
    await session.execute(delete(link).where(link.c[owner_key] == owner_id))
    if ids:
        rows = [
            {owner_key: owner_id, key: value, **({"position": n} if ordered else {})}
            for n, value in enumerate(ids)
        ]
        await session.execute(insert(link), rows)


async def _genres(
    session: AsyncSession, link: Any, owner_key: str, owner_id: int, ids: Any, viewer: int
) -> None:
    if ids is UNSET or ids is None:
        return
    ids = check_ids(ids, "genreIds")
    await check_visible(session, Genre, ids, viewer, "genreIds")
    await _set_links(session, link, owner_key, owner_id, "genre_id", ids)


# Columns that cannot be NULL: a null in the input leaves them as they are.
_REQUIRED = {"name", "duration_ms", "explicit", "is_public"}


def _apply(row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if value is UNSET or (value is None and name in _REQUIRED):
            continue
        setattr(row, name, value)


async def _written(
    session: AsyncSession,
    model: Any,
    viewer: int,
    row_id: int | None,
    values: dict[str, Any],
    defaults: dict[str, Any] | None = None,
) -> Any:
    """A new entry of the viewer's (``row_id`` None) or their own ``row_id``, with
    ``values`` applied and flushed (so it has its id)."""
    if row_id is None:
        if values.get("name", UNSET) in (UNSET, None):
            # One input type serves create and update; only an update may leave the name out.
            raise BadUserInput("A new entry needs a `name`.", argument="name")
        row = model(owner_id=viewer, is_public=False, **(defaults or {}))
        session.add(row)
    else:
        row = await own_row(session, model, row_id, viewer)
    _apply(row, values)
    await session.flush()
    return row


def _song_values(fields: SongFields) -> dict[str, Any]:
    values: dict[str, Any] = {
        "explicit": fields.explicit,
        "is_public": fields.is_public,
        "isrc": fields.isrc,
    }
    if fields.name is not UNSET and fields.name is not None:
        values["name"] = check_name(fields.name)
    if fields.duration_ms is not UNSET:
        values["duration_ms"] = check_duration(fields.duration_ms)
    if values["isrc"] is not UNSET and values["isrc"] is not None:
        values["isrc"] = check_text(values["isrc"].strip(), 32, name="`isrc`", argument="isrc")
    return values


async def save_song(
    session: AsyncSession, viewer: int, fields: SongFields, song_id: int | None = None
) -> Song:
    """Create (``song_id`` None) or update one of the viewer's songs."""
    values = _song_values(fields)
    defaults = {"kind": "track", "is_local": False, "explicit": False, "duration_ms": 0}
    row: Song = await _written(session, Song, viewer, song_id, values, defaults)
    await _genres(session, song_genres, "song_id", row.id, fields.genre_ids, viewer)
    return row


async def save_album(
    session: AsyncSession, viewer: int, fields: AlbumFields, album_id: int | None = None
) -> Album:
    """Create or update one of the viewer's albums."""
    values: dict[str, Any] = {
        "album_type": fields.album_type,
        "label": fields.label,
        "is_public": fields.is_public,
    }
    if fields.name is not UNSET and fields.name is not None:
        values["name"] = check_name(fields.name)
    for key in ("album_type", "label"):
        if values[key] is not UNSET and values[key] is not None:
            values[key] = check_text(values[key], MAX_NAME, name=f"`{key}`", argument=key)
    if fields.release_year is not UNSET:
        values["release_year"] = check_year(fields.release_year)
        values["release_date"] = str(fields.release_year) if fields.release_year else None
        values["release_date_precision"] = "year" if fields.release_year else None
    row: Album = await _written(session, Album, viewer, album_id, values)
    if fields.artist_ids is not UNSET and fields.artist_ids is not None:
        ids = check_ids(fields.artist_ids, "artistIds")
        await check_visible(session, Artist, ids, viewer, "artistIds")
        await _set_links(session, album_artists, "album_id", row.id, "artist_id", ids, True)
    await _genres(session, album_genres, "album_id", row.id, fields.genre_ids, viewer)
    return row


async def save_artist(
    session: AsyncSession, viewer: int, fields: ArtistFields, artist_id: int | None = None
) -> Artist:
    """Create or update one of the viewer's artists."""
    values: dict[str, Any] = {"is_public": fields.is_public}
    if fields.name is not UNSET and fields.name is not None:
        values["name"] = check_name(fields.name)
    row: Artist = await _written(session, Artist, viewer, artist_id, values)
    await _genres(session, artist_genres, "artist_id", row.id, fields.genre_ids, viewer)
    return row


async def save_genre(
    session: AsyncSession, viewer: int, fields: GenreFields, genre_id: int | None = None
) -> Genre:
    """Create or update one of the viewer's genres (names are unique per owner)."""
    values: dict[str, Any] = {"is_public": fields.is_public}
    if fields.name is not UNSET and fields.name is not None:
        values["name"] = check_name(fields.name)
        taken = await session.scalar(
            select(Genre.id).where(Genre.owner_id == viewer, Genre.name == values["name"])
        )
        if taken is not None and taken != genre_id:
            raise Conflict("You already have a genre with this name.", argument="name")
    row: Genre = await _written(session, Genre, viewer, genre_id, values)
    return row


async def delete_entry(
    session: AsyncSession, model: Any, row_id: int, viewer: int, remove_everywhere: bool
) -> None:
    """Delete one of the viewer's entries. A song that playlists still use is a CONFLICT
    (with the count) unless ``remove_everywhere``, which removes those uses first."""
    row = await own_row(session, model, row_id, viewer)
    if model is Song:
        uses = 0
        for usage in song_usages():
            uses += await usage.count(session, [row_id])
        if uses and not remove_everywhere:
            raise Conflict(
                f"This song is used {uses} time(s) in playlists; pass removeEverywhere: true "
                "to remove it from them too.",
                uses=uses,
            )
        for usage in song_usages():
            await usage.remove(session, [row_id])
    await session.delete(row)
    await session.flush()
