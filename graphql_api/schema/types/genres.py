"""Genre: a node, with the artists, albums and songs filed under it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Self, cast

import strawberry
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, connection
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.catalog_refs import CatalogEntry, related_connection
from graphql_api.schema.types.paging import After, First

if TYPE_CHECKING:
    from graphql_api.schema.types.albums import AlbumConnection
    from graphql_api.schema.types.artists import ArtistConnection
    from graphql_api.schema.types.songs import SongConnection


@strawberry.type(name="Genre", description="A genre: Spotify's or one of a user's own.")
class Genre(CatalogEntry):
    row: strawberry.Private[models.Genre]
    loader: ClassVar[str] = "genre"

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    async def artists(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[ArtistConnection, strawberry.lazy("graphql_api.schema.types.artists")]:
        found = await related_connection(
            info, "genre.artists", self.row.id, first, after, node="Artist"
        )
        return cast("ArtistConnection", found)

    @strawberry.field
    async def albums(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[AlbumConnection, strawberry.lazy("graphql_api.schema.types.albums")]:
        found = await related_connection(
            info, "genre.albums", self.row.id, first, after, node="Album"
        )
        return cast("AlbumConnection", found)

    @strawberry.field
    async def songs(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[SongConnection, strawberry.lazy("graphql_api.schema.types.songs")]:
        found = await related_connection(
            info, "genre.songs", self.row.id, first, after, node="Song"
        )
        return cast("SongConnection", found)


@strawberry.type
class GenreEdge:
    cursor: str
    node: Genre


@strawberry.type
class GenreConnection:
    edges: list[GenreEdge]
    nodes: list[Genre]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Genre]) -> Self:
        """The connection of a page of genre rows."""
        return connection(
            cls,
            page,
            lambda cursor, row: GenreEdge(cursor=cursor, node=Genre.from_row(row)),
            nodes=[Genre.from_row(row) for row in page.nodes],
        )
