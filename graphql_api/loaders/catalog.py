"""The catalog's DataLoaders: visible rows by id, relation windows, album durations.

Keys carry the viewer (what a viewer may see differs) and, for relations, the window:
every parent of a page asking for the same window is read in one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from graphql_api.catalog.relations import Slice, album_durations, related
from graphql_api.catalog.visibility import visible
from graphql_api.db.models import Album, Artist, Genre, Song
from graphql_api.kit.pagination import Window
from graphql_api.library.bulk import chunks


class RowKey(NamedTuple):
    id: int
    viewer: int | None


class RelationKey(NamedTuple):
    relation: str
    parent: int
    window: Window
    viewer: int | None
    arg: str | None = None


async def _visible_rows(
    sessionmaker: async_sessionmaker[AsyncSession], model: Any, keys: Sequence[RowKey]
) -> list[Any]:
    found: dict[RowKey, Any] = {}
    async with sessionmaker() as session:
        for viewer in {key.viewer for key in keys}:
            ids = sorted({key.id for key in keys if key.viewer == viewer})
            for chunk in chunks(ids):
                rows = await session.scalars(
                    select(model).where(model.id.in_(chunk), visible(model, viewer))
                )
                found.update({RowKey(row.id, viewer): row for row in rows})
    return [found.get(key) for key in keys]


async def _relations(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[RelationKey]
) -> list[Slice]:
    found: dict[RelationKey, Slice] = {}
    batches = {(k.relation, k.window, k.viewer, k.arg) for k in keys}
    async with sessionmaker() as session:
        for relation, window, viewer, arg in sorted(batches, key=repr):
            parents = [
                k.parent
                for k in keys
                if (k.relation, k.window, k.viewer, k.arg) == (relation, window, viewer, arg)
            ]
            slices = await related(session, relation, parents, window, viewer, arg)
            for parent, piece in slices.items():
                found[RelationKey(relation, parent, window, viewer, arg)] = piece
    return [found[key] for key in keys]


async def _durations(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[RowKey]
) -> list[int]:
    found: dict[RowKey, int] = {}
    async with sessionmaker() as session:
        for viewer in {key.viewer for key in keys}:
            ids = [key.id for key in keys if key.viewer == viewer]
            for album_id, ms in (await album_durations(session, ids, viewer)).items():
                found[RowKey(album_id, viewer)] = ms
    return [found.get(key, 0) for key in keys]


class CatalogLoaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.song: DataLoader[RowKey, Song | None] = DataLoader(
            lambda keys: _visible_rows(sessionmaker, Song, keys)
        )
        self.album: DataLoader[RowKey, Album | None] = DataLoader(
            lambda keys: _visible_rows(sessionmaker, Album, keys)
        )
        self.artist: DataLoader[RowKey, Artist | None] = DataLoader(
            lambda keys: _visible_rows(sessionmaker, Artist, keys)
        )
        self.genre: DataLoader[RowKey, Genre | None] = DataLoader(
            lambda keys: _visible_rows(sessionmaker, Genre, keys)
        )
        self.related: DataLoader[RelationKey, Slice] = DataLoader(
            lambda keys: _relations(sessionmaker, keys)
        )
        self.album_duration: DataLoader[RowKey, int] = DataLoader(
            lambda keys: _durations(sessionmaker, keys)
        )
