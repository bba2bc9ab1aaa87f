"""Artist: a node, with the songs they perform, their albums, genres and credits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Self, cast

import strawberry
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.loaders.catalog import RelationKey
from graphql_api.resolvers.context import Info
from graphql_api.resolvers.releases import artist_releases
from graphql_api.schema.types.catalog_refs import (
    CatalogEntry,
    related_connection,
    related_page,
    schema_type,
)
from graphql_api.schema.types.catalog_sources import CreditRoleEnum
from graphql_api.schema.types.credits import CreditConnection, credit_connection
from graphql_api.schema.types.genres import GenreConnection
from graphql_api.schema.types.likeable import Likeable
from graphql_api.schema.types.paging import After, First

if TYPE_CHECKING:
    from graphql_api.schema.types.albums import AlbumConnection
    from graphql_api.schema.types.releases import ReleaseConnection
    from graphql_api.schema.types.songs import SongConnection


@strawberry.type(name="Artist", description="An artist: a Spotify mirror or a user's own.")
class Artist(CatalogEntry, Likeable):
    row: strawberry.Private[models.Artist]
    loader: ClassVar[str] = "artist"
    like_target: ClassVar[models.LikeTarget] = models.LikeTarget.ARTIST

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def uri(self) -> str | None:
        spotify_id = self.row.spotify_id
        return f"spotify:artist:{spotify_id}" if spotify_id else None

    @strawberry.field
    def image_url(self) -> str | None:
        return self.row.image_url

    @strawberry.field
    def popularity(self) -> int | None:
        return self.row.popularity

    async def _count(self, info: Info, relation: str) -> int:
        key = RelationKey(relation, self.row.id, Window(0, 0), info.context.viewer_id)
        return (await info.context.loaders.catalog.related.load(key)).total

    @strawberry.field(description="How many songs they perform (PERFORMER or FEATURED credits).")  # type: ignore[untyped-decorator]
    async def song_count(self, info: Info) -> int:
        return await self._count(info, "artist.songs")

    @strawberry.field(description="How many albums credit them.")  # type: ignore[untyped-decorator]
    async def album_count(self, info: Info) -> int:
        return await self._count(info, "artist.albums")

    @strawberry.field(description="The songs they perform, by name.")  # type: ignore[untyped-decorator]
    async def songs(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[SongConnection, strawberry.lazy("graphql_api.schema.types.songs")]:
        found = await related_connection(
            info, "artist.songs", self.row.id, first, after, node="Song"
        )
        return cast("SongConnection", found)

    @strawberry.field(description="The albums that credit them, newest first.")  # type: ignore[untyped-decorator]
    async def albums(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[AlbumConnection, strawberry.lazy("graphql_api.schema.types.albums")]:
        found = await related_connection(
            info, "artist.albums", self.row.id, first, after, node="Album"
        )
        return cast("AlbumConnection", found)

    @strawberry.field(
        description="Their releases Mixtape recorded, newest first (docs/releases.md)."
    )  # type: ignore[untyped-decorator]
    async def releases(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[ReleaseConnection, strawberry.lazy("graphql_api.schema.types.releases")]:
        page = await artist_releases(info.context, self.row.id, first, after)
        # releases.py shows artists: its class is found through the schema (no cycle).
        found = schema_type(info, "ReleaseConnection").from_page(page)
        return cast("ReleaseConnection", found)

    @strawberry.field
    async def genres(self, info: Info, first: First = None, after: After = None) -> GenreConnection:
        found = await related_connection(
            info, "artist.genres", self.row.id, first, after, node="Genre"
        )
        return cast(GenreConnection, found)

    @strawberry.field(description="Every song they are credited on, in any role or in `role`.")  # type: ignore[untyped-decorator]
    async def credits(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        role: CreditRoleEnum | None = None,  # type: ignore[valid-type]
    ) -> CreditConnection:
        role_name = role.value if role is not None else None
        window, found = await related_page(
            info, "artist.credits", self.row.id, first, after, role_name
        )
        song = schema_type(info, "Song")
        return credit_connection(
            window, found, song=lambda i: song.from_row(i.row), artist=lambda i: self
        )


@strawberry.type
class ArtistEdge:
    cursor: str
    node: Artist


@strawberry.type
class ArtistConnection:
    edges: list[ArtistEdge]
    nodes: list[Artist]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Artist]) -> Self:
        """The connection of a page of artist rows."""
        return connection(
            cls,
            page,
            lambda cursor, row: ArtistEdge(cursor=cursor, node=Artist.from_row(row)),
            nodes=[Artist.from_row(row) for row in page.nodes],
        )
