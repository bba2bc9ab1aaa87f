"""Song: a node (a track, an episode, a local file or a user's own song), with its
artists, albums, genres and credits. Reached through a snapshot, it also knows which of
that snapshot's playlists hold it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar, Self, cast

import strawberry
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, connection
from graphql_api.loaders.catalog import RowKey
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.artists import Artist, ArtistConnection
from graphql_api.schema.types.catalog_refs import (
    CatalogEntry,
    related_connection,
    related_page,
    schema_type,
    slot_extras,
)
from graphql_api.schema.types.catalog_sources import CreditRoleEnum
from graphql_api.schema.types.credits import CreditConnection, credit_connection
from graphql_api.schema.types.genres import GenreConnection
from graphql_api.schema.types.paging import After, First

if TYPE_CHECKING:
    from graphql_api.schema.types.albums import Album, SongAlbumConnection
    from graphql_api.schema.types.playlist_versions import PlaylistVersion


@strawberry.type(
    name="Song", description="A track, a podcast episode, a local file or a user's own song."
)
class Song(CatalogEntry):
    row: strawberry.Private[models.Song]
    loader: ClassVar[str] = "song"
    # (user id, snapshot version) when reached through a snapshot: scopes `playlists`.
    scope: strawberry.Private[tuple[int, int] | None] = None

    @classmethod
    def from_row(cls, row: models.Song, scope: tuple[int, int] | None = None) -> Self:
        return cls(id=row.id, row=row, scope=scope)

    @strawberry.field
    def uri(self) -> str | None:
        return self.row.spotify_uri

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="`track`, `episode` or `local`.")  # type: ignore[untyped-decorator]
    def kind(self) -> str:
        return self.row.kind

    @strawberry.field
    def duration_ms(self) -> int:
        return self.row.duration_ms

    @strawberry.field
    def explicit(self) -> bool:
        return self.row.explicit

    @strawberry.field
    def is_local(self) -> bool:
        return self.row.is_local

    @strawberry.field
    def isrc(self) -> str | None:
        return self.row.isrc

    @strawberry.field(description="Its disc on its primary album (`album`).")  # type: ignore[untyped-decorator]
    def disc_number(self) -> int | None:
        return self.row.disc_number

    @strawberry.field(description="Its track number on its primary album (`album`).")  # type: ignore[untyped-decorator]
    def track_number(self) -> int | None:
        return self.row.track_number

    @strawberry.field
    def popularity(self) -> int | None:
        return self.row.popularity

    @strawberry.field(description="A local file's artist names (it has no artist rows).")  # type: ignore[untyped-decorator]
    def local_artists(self) -> list[str]:
        return list(self.row.local_artists or [])

    @strawberry.field(description="A local file's album name (it has no album row).")  # type: ignore[untyped-decorator]
    def local_album(self) -> str | None:
        return self.row.local_album

    @strawberry.field(description="Its primary album: the one Spotify lists it on.")  # type: ignore[untyped-decorator]
    async def album(
        self, info: Info
    ) -> Annotated[Album, strawberry.lazy("graphql_api.schema.types.albums")] | None:
        if self.row.album_id is None:
            return None
        key = RowKey(self.row.album_id, info.context.viewer_id)
        row = await info.context.loaders.catalog.album.load(key)
        return schema_type(info, "Album").from_row(row) if row else None

    @strawberry.field(description="Its PERFORMER then FEATURED credits, in order.")  # type: ignore[untyped-decorator]
    async def artists(
        self, info: Info, first: First = None, after: After = None
    ) -> ArtistConnection:
        found = await related_connection(
            info, "song.artists", self.row.id, first, after, node="Artist"
        )
        return cast(ArtistConnection, found)

    @strawberry.field(description="Every album it is on, with its disc and track number there.")  # type: ignore[untyped-decorator]
    async def albums(
        self, info: Info, first: First = None, after: After = None
    ) -> Annotated[SongAlbumConnection, strawberry.lazy("graphql_api.schema.types.albums")]:
        found = await related_connection(
            info,
            "song.albums",
            self.row.id,
            first,
            after,
            node="Album",
            connection_name="SongAlbumConnection",
            **slot_extras(),
        )
        return cast("SongAlbumConnection", found)

    @strawberry.field
    async def genres(self, info: Info, first: First = None, after: After = None) -> GenreConnection:
        found = await related_connection(
            info, "song.genres", self.row.id, first, after, node="Genre"
        )
        return cast(GenreConnection, found)

    @strawberry.field(description="Who did what on it, by role (PERFORMER first), in order.")  # type: ignore[untyped-decorator]
    async def credits(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        role: CreditRoleEnum | None = None,  # type: ignore[valid-type]
    ) -> CreditConnection:
        role_name = role.value if role is not None else None
        window, found = await related_page(
            info, "song.credits", self.row.id, first, after, role_name
        )
        return credit_connection(
            window, found, song=lambda i: self, artist=lambda i: Artist.from_row(i.row)
        )

    @strawberry.field(
        description="Which of my playlists (in this snapshot) hold it; empty outside a snapshot."
    )  # type: ignore[untyped-decorator]
    async def playlists(
        self, info: Info
    ) -> list[
        Annotated[PlaylistVersion, strawberry.lazy("graphql_api.schema.types.playlist_versions")]
    ]:
        if self.scope is None:
            return []
        user_id, version = self.scope
        rows = await info.context.loaders.library.track_playlists.load(
            (user_id, version, self.row.id)
        )
        playlist = schema_type(info, "PlaylistVersion")
        return [playlist(row=row, scope=self.scope) for row in rows]


@strawberry.type
class SongEdge:
    cursor: str
    node: Song


@strawberry.type
class SongConnection:
    edges: list[SongEdge]
    nodes: list[Song]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Song], scope: tuple[int, int] | None = None) -> Self:
        """The connection of a page of songs (seen from snapshot ``scope``, if any)."""
        return connection(
            cls,
            page,
            lambda cursor, row: SongEdge(cursor=cursor, node=Song.from_row(row, scope)),
            nodes=[Song.from_row(row, scope) for row in page.nodes],
        )
