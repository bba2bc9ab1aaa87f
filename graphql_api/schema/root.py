"""The root operation types, merged from one class per domain."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.tools import merge_types

from graphql_api.resolvers.auth import AuthMutation
from graphql_api.resolvers.library import LibraryMutation, LibraryQuery, LibrarySubscription
from graphql_api.resolvers.listening import (
    ListeningMutation,
    ListeningQuery,
    ListeningSubscription,
)
from graphql_api.resolvers.node import resolve_node
from graphql_api.resolvers.viewer import resolve_viewer
from graphql_api.schema.types.user import User


@strawberry.type
class CoreQuery:
    node: relay.Node | None = strawberry.field(
        resolver=resolve_node, description="Fetch any object by its global id."
    )
    viewer: User | None = strawberry.field(
        resolver=resolve_viewer, description="The logged-in user; null when anonymous."
    )


# Each domain adds its root classes here.
QUERIES: tuple[type, ...] = (CoreQuery, ListeningQuery, LibraryQuery)
MUTATIONS: tuple[type, ...] = (AuthMutation, ListeningMutation, LibraryMutation)
SUBSCRIPTIONS: tuple[type, ...] = (ListeningSubscription, LibrarySubscription)

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS) if MUTATIONS else None
Subscription = merge_types("Subscription", SUBSCRIPTIONS) if SUBSCRIPTIONS else None
