"""Tracks, and the playlists that hold them, as a snapshot saw them (one module: each
refers to the other)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import relay
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.catalog import Album, Artist
from graphql_api.schema.types.paging import After, First


@strawberry.type
class PlaylistVersionItem:
    row: strawberry.Private[models.PlaylistItem]
    scope: strawberry.Private[tuple[int, int] | None]

    @strawberry.field
    def position(self) -> int:
        return self.row.position

    @strawberry.field
    def added_at(self) -> dt.datetime | None:
        return self.row.added_at

    @strawberry.field(description="The Spotify user id of whoever added the item.")  # type: ignore[untyped-decorator]
    def added_by(self) -> str | None:
        return self.row.added_by_spotify_id

    @strawberry.field(description="Null when Spotify no longer has the content.")  # type: ignore[untyped-decorator]
    async def track(self, info: Info) -> Track | None:
        if self.row.song_id is None:
            return None
        row = await info.context.loaders.library.song.load(self.row.song_id)
        return Track(row=row, scope=self.scope) if row else None


@strawberry.type
class PlaylistVersionItemEdge:
    cursor: str
    node: PlaylistVersionItem


@strawberry.type
class PlaylistVersionItemConnection:
    edges: list[PlaylistVersionItemEdge]
    page_info: PageInfo
    total_count: int
    total_duration_ms: int


@strawberry.type(description="A playlist as it was (one Spotify version of it).")
class PlaylistVersion:
    row: strawberry.Private[models.PlaylistVersion]
    scope: strawberry.Private[tuple[int, int] | None] = None

    @strawberry.field(description="Its global id (`copyToMixtape` takes it).")  # type: ignore[untyped-decorator]
    def id(self) -> relay.GlobalID:
        return relay.GlobalID("PlaylistVersion", str(self.row.id))

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field
    def public(self) -> bool | None:
        return self.row.public

    @strawberry.field
    def collaborative(self) -> bool:
        return self.row.collaborative

    @strawberry.field
    def image_url(self) -> str | None:
        return self.row.image_url

    @strawberry.field(description="Spotify's version id of the playlist's contents.")  # type: ignore[untyped-decorator]
    def snapshot_id(self) -> str:
        return self.row.spotify_snapshot_id

    @strawberry.field
    def items_total(self) -> int:
        return self.row.items_total

    @strawberry.field(description="False when Spotify would not let us read the items.")  # type: ignore[untyped-decorator]
    def items_readable(self) -> bool:
        return self.row.items_readable

    @strawberry.field
    def unreadable_reason(self) -> str | None:
        return self.row.unreadable_reason

    @strawberry.field
    async def uri(self, info: Info) -> str | None:
        identity = await info.context.loaders.library.spotify_playlist.load(self.row.playlist_id)
        return f"spotify:playlist:{identity.spotify_id}" if identity else None

    @strawberry.field
    async def owner(self, info: Info) -> str | None:
        identity = await info.context.loaders.library.spotify_playlist.load(self.row.playlist_id)
        if identity is None:
            return None
        return identity.owner_display_name or identity.owner_spotify_id

    @strawberry.field
    async def items(
        self, info: Info, first: First = None, after: After = None
    ) -> PlaylistVersionItemConnection:
        window = Window.of(first, after)
        found = await info.context.loaders.library.playlist_items.load((self.row.id, window))
        return connection(
            PlaylistVersionItemConnection,
            Page.at(window, found.rows, found.total_count),
            lambda cursor, row: PlaylistVersionItemEdge(
                cursor=cursor, node=PlaylistVersionItem(row=row, scope=self.scope)
            ),
            total_duration_ms=found.total_duration_ms,
        )


@strawberry.type(description="A track, a podcast episode or a local file.")
class Track:
    row: strawberry.Private[models.Song]
    # (user id, snapshot version) when reached through a snapshot: scopes `playlists`.
    scope: strawberry.Private[tuple[int, int] | None] = None

    @strawberry.field(description="Its global id (`addPlaylistItems` takes it).")  # type: ignore[untyped-decorator]
    def id(self) -> relay.GlobalID:
        return relay.GlobalID("Track", str(self.row.id))

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
    async def playlists(self, info: Info) -> list[PlaylistVersion]:
        if self.scope is None:
            return []
        user_id, version = self.scope
        rows = await info.context.loaders.library.track_playlists.load(
            (user_id, version, self.row.id)
        )
        return [PlaylistVersion(row=row, scope=self.scope) for row in rows]
