"""Catalog types: Track, Album, Artist. They wrap rows and resolve links via loaders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graphql_api.db import models
from graphql_api.schema.info import Info

if TYPE_CHECKING:
    from graphql_api.schema.types.playlist import Playlist


def _uri(kind: str, spotify_id: str | None) -> str | None:
    return f"spotify:{kind}:{spotify_id}" if spotify_id else None


@strawberry.type
class Artist:
    row: strawberry.Private[models.Artist]

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def uri(self) -> str | None:
        return _uri("artist", self.row.spotify_id)

    @strawberry.field
    def image_url(self) -> str | None:
        return self.row.image_url

    @strawberry.field
    def popularity(self) -> int | None:
        return self.row.popularity

    @strawberry.field
    async def genres(self, info: Info) -> list[str]:
        if self.row.id is None:  # a local file's artist: a name only
            return []
        return await info.context.loaders.library.artist_genres.load(self.row.id)


@strawberry.type
class Album:
    row: strawberry.Private[models.Album]

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def uri(self) -> str | None:
        return _uri("album", self.row.spotify_id)

    @strawberry.field
    def album_type(self) -> str | None:
        return self.row.album_type

    @strawberry.field(description="As Spotify gives it: `1999`, `1999-03` or `1999-03-31`.")  # type: ignore[untyped-decorator]
    def release_date(self) -> str | None:
        return self.row.release_date

    @strawberry.field
    def release_date_precision(self) -> str | None:
        return self.row.release_date_precision

    @strawberry.field
    def total_tracks(self) -> int | None:
        return self.row.total_tracks

    @strawberry.field
    def label(self) -> str | None:
        return self.row.label

    @strawberry.field
    def image_url(self) -> str | None:
        return self.row.image_url

    @strawberry.field
    async def artists(self, info: Info) -> list[Artist]:
        if self.row.id is None:  # a local file's album: a name only
            return []
        rows = await info.context.loaders.library.album_artists.load(self.row.id)
        return [Artist(row=row) for row in rows]


@strawberry.type(description="A track, a podcast episode or a local file.")
class Track:
    row: strawberry.Private[models.Song]
    # (user id, snapshot version) when reached through a snapshot: scopes `playlists`.
    scope: strawberry.Private[tuple[int, int] | None] = None

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

    @strawberry.field
    def disc_number(self) -> int | None:
        return self.row.disc_number

    @strawberry.field
    def track_number(self) -> int | None:
        return self.row.track_number

    @strawberry.field
    def popularity(self) -> int | None:
        return self.row.popularity

    @strawberry.field
    async def album(self, info: Info) -> Album | None:
        if self.row.album_id is None:
            # A local file's album has no catalog row: an unsaved one carries its name.
            local = self.row.local_album
            return Album(row=models.Album(name=local)) if local else None
        row = await info.context.loaders.library.album.load(self.row.album_id)
        return Album(row=row) if row else None

    @strawberry.field
    async def artists(self, info: Info) -> list[Artist]:
        if self.row.is_local:
            return [Artist(row=models.Artist(name=name)) for name in self.row.local_artists or []]
        rows = await info.context.loaders.library.song_artists.load(self.row.id)
        return [Artist(row=row) for row in rows]

    @strawberry.field(description="Which of my playlists (in this snapshot) hold this track.")  # type: ignore[untyped-decorator]
    async def playlists(
        self, info: Info
    ) -> list[Annotated[Playlist, strawberry.lazy("graphql_api.schema.types.playlist")]]:
        from graphql_api.schema.types.playlist import Playlist

        if self.scope is None:
            return []
        user_id, version = self.scope
        rows = await info.context.loaders.library.track_playlists.load(
            (user_id, version, self.row.id)
        )
        return [Playlist(row=row, scope=self.scope) for row in rows]
