"""Each subscription event is resolved with fresh DataLoaders.

Strawberry builds one context per websocket, shared by all its operations for the life of
the socket; its loaders' caches would grow with every event and answer later events with
rows read hours before. graphql-core resolves each event by calling the subscription
field's ``resolve`` (an identity on the event) before any field below it, so wrapping that
one function renews the loaders exactly once per event, for every subscription, present and
future, without a per-field cost for queries.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLFieldResolver, GraphQLResolveInfo, default_field_resolver

from graphql_api.resolvers.context import Context


def resolve_events_with_fresh_loaders(schema: strawberry.Schema) -> None:
    """Make every subscription field of ``schema`` renew the context's loaders per event."""
    subscription = schema._schema.subscription_type
    if subscription is None:
        return
    for field in subscription.fields.values():
        field.resolve = _renewing(field.resolve or default_field_resolver)


def _renewing(resolve: GraphQLFieldResolver) -> GraphQLFieldResolver:
    def resolve_event(event: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
        context = info.context
        if isinstance(context, Context):
            context.renew_loaders()
        return resolve(event, info, **arguments)

    return resolve_event
