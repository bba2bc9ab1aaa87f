"""Catalog types: Album, Artist. They wrap rows and resolve links via loaders (tracks:
``tracks.py``)."""

from __future__ import annotations

import strawberry

from graphql_api.db import models
from graphql_api.resolvers.context import Info


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
