"""Mixtape playlists' DataLoaders: rows, a window of entries or members of many playlists
at once, and the viewer's role in each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from graphql_api.db.models import Playlist, PlaylistEntry, PlaylistRole
from graphql_api.kit.pagination import Window
from graphql_api.loaders.rows_by_id import load_by_id
from graphql_api.playlists import queries

# (playlist id, the window asked for)
WindowKey = tuple[int, Window]
# (playlist id, user id)
RoleKey = tuple[int, int]
P = TypeVar("P")
Read = Callable[[AsyncSession, Sequence[int], Window], Awaitable[Mapping[int, P]]]


async def _windows(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[WindowKey], read: Read[P]
) -> list[P]:
    """For each key, that window of the playlist's list, in key order."""
    found: dict[WindowKey, P] = {}
    async with sessionmaker() as session:
        # Keys asking for the same window (one query asks every playlist for
        # `items(first: N)`) are read together.
        for window in sorted({w for _, w in keys}, key=lambda w: (w.offset, w.limit)):
            ids = [p for p, w in keys if w == window]
            pages = await read(session, ids, window)
            for playlist_id in ids:
                found[(playlist_id, window)] = pages[playlist_id]
    return [found[key] for key in keys]


async def load_roles(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[RoleKey]
) -> list[PlaylistRole | None]:
    roles: dict[RoleKey, PlaylistRole] = {}
    async with sessionmaker() as session:
        for user_id in {u for _, u in keys}:
            found = await queries.roles_of(session, user_id, [p for p, u in keys if u == user_id])
            roles.update({(p, user_id): role for p, role in found.items()})
    return [roles.get(key) for key in keys]


async def load_owners(
    sessionmaker: async_sessionmaker[AsyncSession], ids: Sequence[int]
) -> list[int | None]:
    async with sessionmaker() as session:
        owners = await queries.owners_of(session, ids)
    return [owners.get(i) for i in ids]


class PlaylistLoaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.playlist: DataLoader[int, Playlist | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, Playlist, ids)
        )
        self.entry: DataLoader[int, PlaylistEntry | None] = DataLoader(
            lambda ids: load_by_id(sessionmaker, PlaylistEntry, ids)
        )
        self.entries: DataLoader[WindowKey, list[PlaylistEntry]] = DataLoader(
            lambda keys: _windows(sessionmaker, keys, queries.entries_of)
        )
        self.members: DataLoader[WindowKey, queries.MembersPage] = DataLoader(
            lambda keys: _windows(sessionmaker, keys, queries.members_of)
        )
        self.role: DataLoader[RoleKey, PlaylistRole | None] = DataLoader(
            lambda keys: load_roles(sessionmaker, keys)
        )
        self.owner: DataLoader[int, int | None] = DataLoader(
            lambda ids: load_owners(sessionmaker, ids)
        )
