"""Reading playlists: the list a viewer may see (filters, sorts), and windows of many
playlists' entries or members at once (one statement for a page of playlists)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog.search import name_matches
from graphql_api.db.models import (
    Like,
    LikeTarget,
    Playlist,
    PlaylistEntry,
    PlaylistMember,
    PlaylistRole,
    PlaylistVisibility,
)
from graphql_api.kit.ids import MAX_DB_INT
from graphql_api.kit.pagination import Rows, Window, paginate
from graphql_api.playlists.access import has_role, visible_to


class PlaylistSort(enum.StrEnum):
    NAME = "NAME"
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    LIKES = "LIKES"


@dataclass(frozen=True)
class PlaylistFilter:
    text: str | None = None
    owned_by_me: bool = False
    editable_by_me: bool = False
    liked_by_me: bool = False
    visibility: PlaylistVisibility | None = None


def _conditions(
    viewer_id: int | None, found: PlaylistFilter, dialect: str
) -> list[ColumnElement[bool]]:
    conditions = [visible_to(viewer_id)]
    if found.text:
        # Index-backed, as the catalog's names (pg_trgm on PostgreSQL, FTS5 on SQLite).
        conditions.append(name_matches(Playlist, found.text, dialect))
    if found.visibility is not None:
        conditions.append(Playlist.visibility == found.visibility)
    if viewer_id is not None and found.owned_by_me:
        conditions.append(has_role(viewer_id, (PlaylistRole.OWNER,)))
    if viewer_id is not None and found.editable_by_me:
        conditions.append(has_role(viewer_id, (PlaylistRole.OWNER, PlaylistRole.EDITOR)))
    if viewer_id is not None and found.liked_by_me:
        conditions.append(
            exists().where(
                Like.user_id == viewer_id,
                Like.target_type == LikeTarget.PLAYLIST,
                Like.target_id == Playlist.id,
            )
        )
    return conditions


_SORT_COLUMNS: dict[PlaylistSort, Any] = {
    PlaylistSort.NAME: func.lower(Playlist.name),
    PlaylistSort.CREATED: Playlist.created_at,
    PlaylistSort.UPDATED: Playlist.updated_at,
    PlaylistSort.LIKES: Playlist.like_count,
}


async def list_playlists(
    session: AsyncSession,
    viewer_id: int | None,
    window: Window,
    found: PlaylistFilter,
    sort: PlaylistSort,
    *,
    descending: bool,
) -> Rows:
    """A page of the playlists ``viewer_id`` may see, filtered and sorted (ties by id, in
    the same direction, so pages never overlap)."""
    if (found.owned_by_me or found.editable_by_me or found.liked_by_me) and viewer_id is None:
        return Rows([], 0)
    column = _SORT_COLUMNS[sort]
    statement = (
        select(Playlist)
        .where(*_conditions(viewer_id, found, session.get_bind().dialect.name))
        .order_by(
            column.desc() if descending else column.asc(),
            Playlist.id.desc() if descending else Playlist.id.asc(),
        )
    )
    return (await paginate(session, statement, window)).scalars()


async def entries_of(
    session: AsyncSession, playlist_ids: Sequence[int], window: Window
) -> dict[int, list[PlaylistEntry]]:
    """The same window of entries of many playlists, each in playlist order (one SELECT).

    Their counts are the playlists' own ``item_count`` (kept by every write).
    """
    found: dict[int, list[PlaylistEntry]] = {p: [] for p in playlist_ids}
    if window.limit == 0 or not playlist_ids:
        return found
    numbered = (
        select(
            PlaylistEntry.id,
            func.row_number()
            .over(
                partition_by=PlaylistEntry.playlist_id,
                order_by=(PlaylistEntry.position_key, PlaylistEntry.id),
            )
            .label("n"),
        )
        .where(PlaylistEntry.playlist_id.in_(set(playlist_ids)))
        .subquery()
    )
    last = min(window.offset + window.limit, MAX_DB_INT)
    rows = await session.scalars(
        select(PlaylistEntry)
        .join(numbered, numbered.c.id == PlaylistEntry.id)
        .where(numbered.c.n > window.offset, numbered.c.n <= last)
        .order_by(PlaylistEntry.playlist_id, numbered.c.n)
    )
    for entry in rows:
        found[entry.playlist_id].append(entry)
    return found


@dataclass(frozen=True)
class MembersPage:
    members: list[PlaylistMember]
    total: int


async def members_of(
    session: AsyncSession, playlist_ids: Sequence[int], window: Window
) -> dict[int, MembersPage]:
    """The same window of members of many playlists (owner first, then by when they were
    added), with each playlist's member count: two statements for any number."""
    ids = set(playlist_ids)
    counts = {
        int(p): int(n)
        for p, n in await session.execute(
            select(PlaylistMember.playlist_id, func.count())
            .where(PlaylistMember.playlist_id.in_(ids))
            .group_by(PlaylistMember.playlist_id)
        )
    }
    found: dict[int, list[PlaylistMember]] = {p: [] for p in playlist_ids}
    if window.limit and counts:
        is_owner = (PlaylistMember.role == PlaylistRole.OWNER.value).desc()
        numbered = (
            select(
                PlaylistMember.playlist_id,
                PlaylistMember.user_id,
                func.row_number()
                .over(
                    partition_by=PlaylistMember.playlist_id,
                    order_by=(is_owner, PlaylistMember.added_at, PlaylistMember.user_id),
                )
                .label("n"),
            )
            .where(PlaylistMember.playlist_id.in_(ids))
            .subquery()
        )
        last = min(window.offset + window.limit, MAX_DB_INT)
        rows = await session.scalars(
            select(PlaylistMember)
            .join(
                numbered,
                (numbered.c.playlist_id == PlaylistMember.playlist_id)
                & (numbered.c.user_id == PlaylistMember.user_id),
            )
            .where(numbered.c.n > window.offset, numbered.c.n <= last)
            .order_by(PlaylistMember.playlist_id, numbered.c.n)
        )
        for member in rows:
            found[member.playlist_id].append(member)
    return {p: MembersPage(found[p], counts.get(p, 0)) for p in playlist_ids}


async def roles_of(
    session: AsyncSession, user_id: int, playlist_ids: Sequence[int]
) -> dict[int, PlaylistRole]:
    """``user_id``'s role in each of the playlists they are a member of."""
    rows = await session.execute(
        select(PlaylistMember.playlist_id, PlaylistMember.role).where(
            PlaylistMember.user_id == user_id, PlaylistMember.playlist_id.in_(set(playlist_ids))
        )
    )
    return {int(p): role for p, role in rows}


async def owners_of(session: AsyncSession, playlist_ids: Sequence[int]) -> dict[int, int]:
    """The owner's user id of each playlist."""
    rows = await session.execute(
        select(PlaylistMember.playlist_id, PlaylistMember.user_id).where(
            PlaylistMember.playlist_id.in_(set(playlist_ids)),
            PlaylistMember.role == PlaylistRole.OWNER,
        )
    )
    return {int(p): int(u) for p, u in rows}


async def by_link(session: AsyncSession, token: str) -> Playlist | None:
    """The SHARED_LINK playlist whose link token is ``token``."""
    return (
        await session.scalars(
            select(Playlist).where(
                Playlist.link_token == token,
                Playlist.visibility == PlaylistVisibility.SHARED_LINK,
            )
        )
    ).one_or_none()
