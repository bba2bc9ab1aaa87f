"""Reads: a user's likes, newest first, and the artists they follow (Spotify and Mixtape).

Both page by key, since they change while being read, and both read a page in one
statement with its targets joined (plus one count), whatever the page size. A like or
follow whose target the viewer may no longer see is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    Artist,
    ArtistFollow,
    FollowedArtist,
    LibrarySnapshot,
    Like,
    LikeTarget,
)
from graphql_api.errors import BadUserInput
from graphql_api.kit.pagination import Page, check_first, cursor_int, decode_cursor, encode_cursor
from graphql_api.library.memberships import visible_at
from graphql_api.library.snapshots import latest_succeeded
from graphql_api.social import targets
from graphql_api.social.keys import pack_text, parse_time, unpack_text

LIKE_CURSOR = "lk"
FOLLOWED_CURSOR = "fa"


@dataclass(frozen=True)
class Liked:
    """One like: what is liked (its row) and when."""

    target: LikeTarget
    row: Any
    liked_at: dt.datetime


def _likes(columns: Sequence[Any], user_id: int, kinds: Sequence[LikeTarget]) -> Select[Any]:
    """``columns`` of ``user_id``'s likes of ``kinds`` whose targets they may see, each
    target's table outer-joined (at most one matches a like)."""
    statement = select(*columns).select_from(Like).where(Like.user_id == user_id)
    if len(kinds) == 1:
        statement = statement.where(Like.target_type == kinds[0])
    for kind in kinds:
        model = targets.MODELS[kind]
        statement = statement.outerjoin(
            model,
            and_(
                Like.target_type == kind,
                model.id == Like.target_id,
                targets.visible(kind, user_id),
            ),
        )
    return statement.where(or_(*[targets.MODELS[kind].id.is_not(None) for kind in kinds]))


async def likes(
    session: AsyncSession,
    user_id: int,
    target: LikeTarget | None,
    *,
    first: int | None,
    after: str | None,
) -> Page[Liked]:
    """``user_id``'s likes (of ``target`` only, if given), newest first."""
    limit = check_first(first)
    kinds = [target] if target is not None else list(targets.MODELS)
    models = [targets.MODELS[kind] for kind in kinds]
    total = await session.scalar(_likes([func.count()], user_id, kinds)) or 0
    statement = _likes([Like, *models], user_id, kinds)
    if after is not None:
        stamp, kind, key = decode_cursor(after, LIKE_CURSOR, 3)
        if kind not in LikeTarget.__members__:
            raise BadUserInput("Invalid cursor.", argument="after")
        at, target_id = parse_time(stamp), cursor_int(key)
        statement = statement.where(
            or_(
                Like.created_at < at,
                and_(
                    Like.created_at == at,
                    tuple_(Like.target_type, Like.target_id) < tuple_(LikeTarget(kind), target_id),
                ),
            )
        )
    rows = (
        await session.execute(
            statement.order_by(
                Like.created_at.desc(), Like.target_type.desc(), Like.target_id.desc()
            ).limit(limit + 1)
        )
    ).all()
    edges = []
    for like, *found in rows[:limit]:
        row = next(r for r in found if r is not None)
        cursor = encode_cursor(
            LIKE_CURSOR, like.created_at.isoformat(), like.target_type.value, like.target_id
        )
        edges.append((cursor, Liked(like.target_type, row, like.created_at)))
    return Page(edges, total, has_next=len(rows) > limit, has_previous=after is not None)


@dataclass(frozen=True)
class Followed:
    """A followed artist, and where the follow comes from."""

    artist: Artist
    on_spotify: bool
    followed_at: dt.datetime | None
    """When it was followed in Mixtape (None: only on Spotify)."""


def _followed(user_id: int, snapshot: LibrarySnapshot | None) -> Callable[..., Select[Any]]:
    """A statement of ``columns`` over the artists ``user_id`` follows on Spotify (as of
    ``snapshot``) or in Mixtape, each once, with its follow rows outer-joined."""
    on_spotify = (
        and_(
            FollowedArtist.artist_id == Artist.id,
            visible_at(FollowedArtist, user_id, snapshot.version),
        )
        if snapshot is not None
        else false()
    )
    in_mixtape = and_(ArtistFollow.artist_id == Artist.id, ArtistFollow.user_id == user_id)

    def of(*columns: Any) -> Select[Any]:
        return (
            select(*columns)
            .select_from(Artist)
            .outerjoin(FollowedArtist, on_spotify)
            .outerjoin(ArtistFollow, in_mixtape)
            .where(
                or_(FollowedArtist.artist_id.is_not(None), ArtistFollow.artist_id.is_not(None)),
                targets.visible(LikeTarget.ARTIST, user_id),
            )
        )

    return of


async def count_followed_artists(
    session: AsyncSession, user_id: int, snapshot: LibrarySnapshot | None
) -> int:
    """How many artists ``user_id`` follows, on Spotify (as of ``snapshot``) or in Mixtape."""
    return await session.scalar(_followed(user_id, snapshot)(func.count())) or 0


async def count_likes(session: AsyncSession, user_id: int) -> dict[LikeTarget, int]:
    """How many visible things ``user_id`` likes, by type."""
    rows = await session.execute(
        _likes([Like.target_type, func.count()], user_id, list(targets.MODELS)).group_by(
            Like.target_type
        )
    )
    return {LikeTarget(kind): int(count) for kind, count in rows}


async def followed_artists(
    session: AsyncSession, user_id: int, *, first: int | None, after: str | None
) -> Page[Followed]:
    """The artists ``user_id`` follows on Spotify (as of their latest successful snapshot)
    or in Mixtape, each once, by name."""
    limit = check_first(first)
    of = _followed(user_id, await latest_succeeded(session, user_id))
    total = await session.scalar(of(func.count())) or 0
    statement = of(Artist, FollowedArtist.artist_id, ArtistFollow.created_at)
    if after is not None:
        name, key = decode_cursor(after, FOLLOWED_CURSOR, 2)
        statement = statement.where(
            tuple_(Artist.name, Artist.id) > tuple_(unpack_text(name), cursor_int(key))
        )
    rows = (
        await session.execute(statement.order_by(Artist.name, Artist.id).limit(limit + 1))
    ).all()
    edges = [
        (
            encode_cursor(FOLLOWED_CURSOR, pack_text(artist.name), artist.id),
            Followed(artist, spotify_id is not None, followed_at),
        )
        for artist, spotify_id, followed_at in rows[:limit]
    ]
    return Page(edges, total, has_next=len(rows) > limit, has_previous=after is not None)
