"""What the catalog's node types share: the ``CatalogEntry`` interface (owner, visibility,
loading by id), finding each other at run time, and a relation's connection.

Song, Album, Artist and Genre refer to each other (a song's albums, an album's songs),
so their modules cannot import each other. Their annotations name the others with
``strawberry.lazy``; at run time a resolver finds the class it must build through the
schema (:func:`schema_type`), as strawberry resolved the lazy annotation itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Self

import strawberry
from strawberry import relay

from graphql_api.catalog.lists import Source
from graphql_api.catalog.relations import Linked, Slice
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.loaders.catalog import RelationKey, RowKey
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import parse_int_id
from graphql_api.schema.types.catalog_sources import SourceEnum


def schema_type(info: Info, name: str) -> Any:
    """The Python class of the schema's type ``name``."""
    definition = info.schema.get_type_by_name(name)
    origin = getattr(definition, "origin", None)
    if origin is None:
        raise LookupError(f"no object type {name} in the schema")
    return origin


@strawberry.interface(description="A song, album, artist or genre: Spotify's or a user's own.")
class CatalogEntry(relay.Node):
    id: relay.NodeID[int]
    row: strawberry.Private[Any]
    # The attribute of ``loaders.catalog`` that loads this type's visible rows.
    loader: ClassVar[str] = ""

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = info.context.viewer_id
        loader = getattr(info.context.loaders.catalog, cls.loader)
        found: list[Self | None] = []
        for node_id in node_ids:
            db_id = parse_int_id(node_id)
            row = await loader.load(RowKey(db_id, viewer)) if db_id is not None else None
            found.append(cls.from_row(row) if row else None)
        return found

    @strawberry.field(description="SPOTIFY for a read-only mirror, MIXTAPE for a user's own.")  # type: ignore[untyped-decorator]
    def source(self) -> SourceEnum:  # type: ignore[valid-type]
        return Source.SPOTIFY if self.row.owner_id is None else Source.MIXTAPE

    @strawberry.field(description="Whether everyone may see it (always true for Spotify's).")  # type: ignore[untyped-decorator]
    def is_public(self) -> bool:
        return bool(self.row.owner_id is None or self.row.is_public)

    @strawberry.field
    def owned_by_me(self, info: Info) -> bool:
        return self.row.owner_id is not None and self.row.owner_id == info.context.viewer_id

    @strawberry.field
    def created_at(self) -> dt.datetime:
        created: dt.datetime = self.row.created_at
        return created


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


async def related_connection(
    info: Info,
    relation: str,
    parent: int,
    first: int | None,
    after: str | None,
    *,
    node: str,
    connection_name: str | None = None,
    **edge_extras: Callable[[Linked], Any],
) -> Any:
    """The connection of ``parent``'s ``relation``: ``<node>Connection`` of ``<node>Edge``s
    unless ``connection_name`` (its edges: ``…Edge``) says otherwise."""
    window, found = await related_page(info, relation, parent, first, after)
    node_type = schema_type(info, node)
    name = connection_name or f"{node}Connection"
    connection_type = schema_type(info, name)
    edge_type = schema_type(info, name.removesuffix("Connection") + "Edge")
    nodes = [node_type.from_row(item.row) for item in found.items]
    by_item = dict(zip(map(id, found.items), nodes, strict=True))
    return connection(
        connection_type,
        Page.at(window, found.items, found.total),
        lambda cursor, item: edge_type(
            cursor=cursor,
            node=by_item[id(item)],
            **{extra: value(item) for extra, value in edge_extras.items()},
        ),
        nodes=nodes,
    )


def slot_extras() -> dict[str, Callable[[Linked], Any]]:
    """An album track's disc and track number, as edge fields."""
    return {
        "disc_number": lambda item: item.extras["disc_number"],
        "track_number": lambda item: item.extras["track_number"],
    }
