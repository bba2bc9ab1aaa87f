"""DataLoaders, one per file, created afresh for every request by :class:`Loaders`.

Each batch function opens its own short session (resolvers run concurrently and an
``AsyncSession`` must not be shared between them) and returns results in key order,
``None`` for a miss.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from graphql_api.db.models import User
from graphql_api.loaders.catalog import CatalogLoaders
from graphql_api.loaders.follows import load_follows
from graphql_api.loaders.library import LibraryLoaders
from graphql_api.loaders.playlists import PlaylistLoaders
from graphql_api.loaders.users import load_users


class Loaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.user: DataLoader[int, User | None] = DataLoader(
            lambda ids: load_users(sessionmaker, ids)
        )
        self.library = LibraryLoaders(sessionmaker)
        self.catalog = CatalogLoaders(sessionmaker)
        self.playlists = PlaylistLoaders(sessionmaker)
        # (follower, followee) -> whether that follow exists.
        self.follows: DataLoader[tuple[int, int], bool] = DataLoader(
            lambda pairs: load_follows(sessionmaker, pairs)
        )
