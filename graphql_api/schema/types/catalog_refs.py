"""What the catalog's node types share: finding each other at run time, and building a
relation's connection from its loader.

Song, Album, Artist and Genre refer to each other (a song's albums, an album's songs),
so their modules cannot import each other. Their annotations name the others with
``strawberry.lazy``; at run time a resolver finds the class it must build through the
schema (:func:`schema_type`), as strawberry resolved the lazy annotation itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql_api.catalog.lists import Source
from graphql_api.catalog.relations import Linked, Slice
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.loaders.catalog import RelationKey
from graphql_api.resolvers.context import Info


def schema_type(info: Info, name: str) -> Any:
    """The Python class of the schema's type ``name``."""
    definition = info.schema.get_type_by_name(name)
    origin = getattr(definition, "origin", None)
    if origin is None:
        raise LookupError(f"no object type {name} in the schema")
    return origin


def source_of(row: Any) -> Source:
    return Source.SPOTIFY if row.owner_id is None else Source.MIXTAPE


async def related_page(
    info: Info,
    relation: str,
    parent: int,
    first: int | None,
    after: str | None,
    arg: str | None = None,
) -> tuple[Window, Slice]:
    """The window of ``relation`` of ``parent`` the arguments ask for, through the loader."""
    window = Window.of(first, after)
    key = RelationKey(relation, parent, window, info.context.viewer_id, arg)
    return window, await info.context.loaders.catalog.related.load(key)


def relation_connection(
    info: Info,
    connection_name: str,
    edge_name: str,
    window: Window,
    found: Slice,
    node: Callable[[Linked], Any],
    **edge_extras: Callable[[Linked], Any],
) -> Any:
    """A ``connection_name`` of ``found``'s children, each edge an ``edge_name``."""
    connection_type = schema_type(info, connection_name)
    edge_type = schema_type(info, edge_name)
    page = Page.at(window, found.items, found.total)
    return connection(
        connection_type,
        page,
        lambda cursor, item: edge_type(
            cursor=cursor,
            node=node(item),
            **{name: extra(item) for name, extra in edge_extras.items()},
        ),
        nodes=[node(item) for item in found.items],
    )
