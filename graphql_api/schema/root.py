"""The root operation types, merged from one class per domain."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.tools import merge_types

from graphql_api.resolvers import viewer
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import resolve_node
from graphql_api.schema.operations.auth import AuthMutation
from graphql_api.schema.operations.catalog import CatalogMutation, CatalogQuery
from graphql_api.schema.operations.history import HistoryMutation, HistoryQuery
from graphql_api.schema.operations.library import (
    LibraryMutation,
    LibraryQuery,
    LibrarySubscription,
)
from graphql_api.schema.operations.listening import (
    ListeningMutation,
    ListeningQuery,
    ListeningSubscription,
)
from graphql_api.schema.operations.playlists import (
    PlaylistMutation,
    PlaylistQuery,
    PlaylistSubscription,
)
from graphql_api.schema.operations.releases import (
    ReleasesMutation,
    ReleasesQuery,
    ReleasesSubscription,
)
from graphql_api.schema.operations.restore import RestoreMutation, RestoreQuery
from graphql_api.schema.operations.rooms import RoomMutation, RoomQuery, RoomSubscription
from graphql_api.schema.operations.social import SocialMutation
from graphql_api.schema.types.user import User


@strawberry.type
class CoreQuery:
    node: relay.Node | None = strawberry.field(
        resolver=resolve_node, description="Fetch any object by its global id."
    )

    @strawberry.field(description="The logged-in user; null when anonymous.")  # type: ignore[untyped-decorator]
    async def viewer(self, info: Info) -> User | None:
        row = await viewer.viewer(info.context)
        return User.from_row(row) if row is not None else None


# Each domain adds its root classes here.
QUERIES: tuple[type, ...] = (
    CoreQuery,
    ListeningQuery,
    LibraryQuery,
    CatalogQuery,
    PlaylistQuery,
    ReleasesQuery,
    HistoryQuery,
    RestoreQuery,
    RoomQuery,
)
MUTATIONS: tuple[type, ...] = (
    AuthMutation,
    ListeningMutation,
    LibraryMutation,
    CatalogMutation,
    PlaylistMutation,
    SocialMutation,
    ReleasesMutation,
    HistoryMutation,
    RestoreMutation,
    RoomMutation,
)
SUBSCRIPTIONS: tuple[type, ...] = (
    ListeningSubscription,
    LibrarySubscription,
    PlaylistSubscription,
    ReleasesSubscription,
    RoomSubscription,
)

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS) if MUTATIONS else None
Subscription = merge_types("Subscription", SUBSCRIPTIONS) if SUBSCRIPTIONS else None
