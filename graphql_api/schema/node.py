"""Relay global ids: helpers shared by every Node type, and `node(id:)` itself."""

from __future__ import annotations

import inspect
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from graphql_api.errors import BadUserInput
from graphql_api.kit.ids import parse_db_int
from graphql_api.resolvers.context import Info


def parse_int_id(node_id: str) -> int | None:
    """The database id inside a node id, or None when it is not one of ours."""
    return parse_db_int(node_id)


def _fetchable(node_type: type[relay.Node]) -> bool:
    # The Node interface itself, and a type that does not say how to load its rows,
    # inherit relay.Node.resolve_nodes, which raises NotImplementedError (a masked 500).
    # An interface (CatalogEntry) names no type of row either.
    definition = getattr(node_type, "__strawberry_definition__", None)
    if definition is not None and getattr(definition, "is_interface", False):
        return False
    return node_type is not relay.Node and (
        node_type.resolve_nodes.__func__ is not relay.Node.resolve_nodes.__func__  # type: ignore[attr-defined]
    )


async def resolve_node(
    info: Info,
    id: Annotated[relay.GlobalID, strawberry.argument(description="The ID of the object.")],
) -> relay.Node | None:
    """The object ``id`` names, or null when there is none the viewer may see.

    An id whose type is not one of ours (``Node:1``, ``Foo:1``, ``Query:1``) is the
    client's mistake: BAD_USER_INPUT, not an internal error.
    """
    try:
        node_type = id.resolve_type(info)
    except GlobalIDValueError:
        node_type = relay.Node
    if not _fetchable(node_type):
        raise BadUserInput(
            f"`{id.type_name}` is not a type of object that can be fetched by id.",
            argument="id",
        )
    node = node_type.resolve_node(id.node_id, info=info, required=False)
    resolved: relay.Node | None = await node if inspect.isawaitable(node) else node
    return resolved
