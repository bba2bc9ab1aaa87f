"""DataLoaders, one per file, created afresh for every request by :class:`Loaders`.

Each batch function opens its own short session (resolvers run concurrently and an
``AsyncSession`` must not be shared between them) and returns results in key order,
``None`` for a miss.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from graphql_api.db.models import Identity, User
from graphql_api.loaders.catalog import CatalogLoaders
from graphql_api.loaders.follows import load_follows
from graphql_api.loaders.identities import load_identities
from graphql_api.loaders.library import LibraryLoaders
from graphql_api.loaders.likes import load_likes
from graphql_api.loaders.playlists import PlaylistLoaders
from graphql_api.loaders.users import load_users
from graphql_api.social.likes import LikeKey


class Loaders:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.user: DataLoader[int, User | None] = DataLoader(
            lambda ids: load_users(sessionmaker, ids)
        )
        self.library = LibraryLoaders(sessionmaker)
        self.catalog = CatalogLoaders(sessionmaker)
        self.playlists = PlaylistLoaders(sessionmaker)
        # A user's OpenID Connect identities.
        self.identities: DataLoader[int, list[Identity]] = DataLoader(
            lambda ids: load_identities(sessionmaker, ids)
        )
        # (follower, followee) -> whether that follow exists.
        self.follows: DataLoader[tuple[int, int], bool] = DataLoader(
            lambda pairs: load_follows(sessionmaker, pairs)
        )
        # (user, target type, target id) -> whether that like exists.
        self.liked: DataLoader[LikeKey, bool] = DataLoader(
            lambda keys: load_likes(sessionmaker, keys)
        )
