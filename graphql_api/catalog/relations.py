"""The catalog's relations (a song's artists, an album's songs, a genre's artists ...),
read as one window for many parents at once.

Each relation is a path from a parent id through a link table to child rows. A batch
of parents asking for the same window is one statement: the children numbered per
parent (``ROW_NUMBER() OVER (PARTITION BY parent ...)``) and counted per parent
(``COUNT(*) OVER (PARTITION BY parent)``), cut to the window. Only parents whose window
came back empty past the start need a second statement, for their counts. Children the
viewer may not see are left out (and not counted).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from graphql_api.catalog.visibility import visible
from graphql_api.db.models import (
    Album,
    Artist,
    CreditRole,
    Genre,
    Song,
    album_artists,
    album_genres,
    album_tracks,
    artist_genres,
    song_credits,
    song_genres,
)
from graphql_api.kit.ids import MAX_DB_INT
from graphql_api.kit.pagination import Window
from graphql_api.library.bulk import chunks

ARTIST_ROLES = (CreditRole.PERFORMER.value, CreditRole.FEATURED.value)
_ROLE_ORDER = {role.value: n for n, role in enumerate(CreditRole)}


def role_rank(role_column: Any) -> Any:
    """Credits sort by role in :class:`CreditRole` order (PERFORMER first)."""
    return case(_ROLE_ORDER, value=role_column, else_=len(_ROLE_ORDER))


@dataclass(frozen=True)
class Relation:
    """From ``parent`` (a link column) through ``link`` to rows of ``child``."""

    link: Any
    parent: str
    child: Any
    child_key: str
    order: Callable[[Any, Any], list[Any]]
    # Link columns handed back with each child (credit role and position, disc/track).
    extras: tuple[str, ...] = ()
    where: Callable[[Any, str | None], list[ColumnElement[bool]]] = field(
        default=lambda link, arg: []
    )


def _by_name(link: Any, child: Any) -> list[Any]:
    return [child.name, child.id]


def _roles(link: Any, role: str | None) -> list[ColumnElement[bool]]:
    return [link.c.role == role] if role is not None else []


def _performing(link: Any, role: str | None) -> list[ColumnElement[bool]]:
    return [link.c.role.in_(ARTIST_ROLES)]


RELATIONS: dict[str, Relation] = {
    "song.artists": Relation(
        song_credits,
        "song_id",
        Artist,
        "artist_id",
        lambda link, child: [role_rank(link.c.role), link.c.position],
        ("role", "position"),
        _performing,
    ),
    "song.credits": Relation(
        song_credits,
        "song_id",
        Artist,
        "artist_id",
        lambda link, child: [role_rank(link.c.role), link.c.position],
        ("role", "position"),
        _roles,
    ),
    "song.albums": Relation(
        album_tracks,
        "song_id",
        Album,
        "album_id",
        lambda link, child: [child.release_year.is_(None), child.release_year, child.id],
        ("disc_number", "track_number"),
    ),
    "song.genres": Relation(song_genres, "song_id", Genre, "genre_id", _by_name),
    "album.songs": Relation(
        album_tracks,
        "album_id",
        Song,
        "song_id",
        lambda link, child: [link.c.disc_number, link.c.track_number],
        ("disc_number", "track_number"),
    ),
    "album.artists": Relation(
        album_artists, "album_id", Artist, "artist_id", lambda link, child: [link.c.position]
    ),
    "album.genres": Relation(album_genres, "album_id", Genre, "genre_id", _by_name),
    "artist.songs": Relation(
        song_credits,
        "artist_id",
        Song,
        "song_id",
        lambda link, child: [child.name, child.id, role_rank(link.c.role)],
        ("role", "position"),
        _performing,
    ),
    "artist.credits": Relation(
        song_credits,
        "artist_id",
        Song,
        "song_id",
        lambda link, child: [child.name, child.id, role_rank(link.c.role), link.c.position],
        ("role", "position"),
        _roles,
    ),
    "artist.albums": Relation(
        album_artists,
        "artist_id",
        Album,
        "album_id",
        lambda link, child: [child.release_year.is_(None), child.release_year.desc(), child.id],
    ),
    "artist.genres": Relation(artist_genres, "artist_id", Genre, "genre_id", _by_name),
    "genre.artists": Relation(artist_genres, "genre_id", Artist, "artist_id", _by_name),
    "genre.albums": Relation(album_genres, "genre_id", Album, "album_id", _by_name),
    "genre.songs": Relation(song_genres, "genre_id", Song, "song_id", _by_name),
}


@dataclass(frozen=True)
class Linked:
    """A child row, and the link's own values (``role``, ``disc_number`` ...)."""

    row: Any
    extras: dict[str, Any]


@dataclass(frozen=True)
class Slice:
    """One parent's window of children, and how many it has in all."""

    items: list[Linked]
    total: int


def _base(relation: Relation, parents: Sequence[int], viewer: int | None, arg: str | None) -> Any:
    link, child = relation.link, relation.child
    return (
        link.c[relation.parent].in_(parents),
        visible(child, viewer),
        *relation.where(link, arg),
    ), link.join(child, child.id == link.c[relation.child_key])


async def _counts(
    session: AsyncSession,
    relation: Relation,
    parents: Sequence[int],
    viewer: int | None,
    arg: str | None,
) -> dict[int, int]:
    conditions, joined = _base(relation, parents, viewer, arg)
    parent = relation.link.c[relation.parent]
    result = await session.execute(
        select(parent, func.count()).select_from(joined).where(*conditions).group_by(parent)
    )
    return {int(p): int(n) for p, n in result}


def _window_statement(
    relation: Relation, parents: Sequence[int], viewer: int | None, arg: str | None, window: Window
) -> Select[Any]:
    link, child = relation.link, relation.child
    conditions, joined = _base(relation, parents, viewer, arg)
    parent = link.c[relation.parent]
    inner = (
        select(
            parent.label("link_parent"),
            child,
            *(link.c[name].label(f"link_{name}") for name in relation.extras),
            func.row_number()
            .over(partition_by=parent, order_by=relation.order(link, child))
            .label("link_n"),
            func.count().over(partition_by=parent).label("link_total"),
        )
        .select_from(joined)
        .where(*conditions)
        .subquery()
    )
    row = aliased(child, inner)
    # Bound in Python: offset + limit may pass what a BIGINT holds.
    last = min(window.offset + window.limit, MAX_DB_INT)
    return (
        select(
            inner.c.link_parent,
            row,
            inner.c.link_total,
            *(inner.c[f"link_{name}"] for name in relation.extras),
        )
        .where(inner.c.link_n > window.offset, inner.c.link_n <= last)
        .order_by(inner.c.link_parent, inner.c.link_n)
    )


async def related(
    session: AsyncSession,
    name: str,
    parents: Sequence[int],
    window: Window,
    viewer: int | None,
    arg: str | None = None,
) -> dict[int, Slice]:
    """For each parent, ``window`` of its children along relation ``name``."""
    relation = RELATIONS[name]
    slices: dict[int, Slice] = {}
    for chunk in chunks(sorted(set(parents))):
        found: dict[int, list[Linked]] = {p: [] for p in chunk}
        totals: dict[int, int] = {}
        if window.limit:
            result = await session.execute(_window_statement(relation, chunk, viewer, arg, window))
            for parent, child, total, *extras in result:
                found[int(parent)].append(
                    Linked(child, dict(zip(relation.extras, extras, strict=True)))
                )
                totals[int(parent)] = int(total)
        unknown = [p for p in chunk if p not in totals]
        if unknown and (window.offset or not window.limit):
            totals.update(await _counts(session, relation, unknown, viewer, arg))
        for parent in chunk:
            slices[parent] = Slice(found[parent], totals.get(parent, 0))
    return slices


async def album_durations(
    session: AsyncSession, album_ids: Sequence[int], viewer: int | None
) -> dict[int, int]:
    """The summed duration of each album's songs the viewer may see (one statement)."""
    durations: dict[int, int] = {}
    for chunk in chunks(sorted(set(album_ids))):
        result = await session.execute(
            select(album_tracks.c.album_id, func.coalesce(func.sum(Song.duration_ms), 0))
            .join(Song, Song.id == album_tracks.c.song_id)
            .where(album_tracks.c.album_id.in_(chunk), visible(Song, viewer))
            .group_by(album_tracks.c.album_id)
        )
        durations.update({int(a): int(ms) for a, ms in result})
    return durations
