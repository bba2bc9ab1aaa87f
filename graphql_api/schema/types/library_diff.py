"""LibraryDiff: what changed between two snapshots."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from graphql_api.db import models
from graphql_api.library.diff import LibraryDiff as Diff
from graphql_api.library.diff import PlaylistChange as Change
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.catalog import Album, Artist, Track
from graphql_api.schema.types.library import LibrarySnapshot
from graphql_api.schema.types.playlist import Playlist


async def _tracks(info: Info, ids: Sequence[int | None], scope: tuple[int, int]) -> list[Track]:
    rows = await info.context.loaders.library.song.load_many([i for i in ids if i is not None])
    return [Track(row=row, scope=scope) for row in rows if row is not None]


@strawberry.type
class PlaylistItemsChange:
    change: strawberry.Private[Change]
    scope: strawberry.Private[tuple[int, int]]

    @strawberry.field(description="The playlist as it is in the later snapshot.")  # type: ignore[untyped-decorator]
    async def playlist(self, info: Info) -> Playlist | None:
        row = await info.context.loaders.library.playlist_version.load(self.change.to_version_id)
        return Playlist(row=row, scope=self.scope) if row else None

    @strawberry.field
    async def added_items(self, info: Info) -> list[Track]:
        return await _tracks(info, self.change.added, self.scope)

    @strawberry.field
    async def removed_items(self, info: Info) -> list[Track]:
        return await _tracks(info, self.change.removed, self.scope)


@strawberry.type
class LibraryDiff:
    diff: strawberry.Private[Diff]

    @property
    def _scope(self) -> tuple[int, int]:
        return (self.diff.target.user_id, self.diff.target.version)

    @strawberry.field(name="from")  # type: ignore[untyped-decorator]
    def source(self) -> LibrarySnapshot:
        return LibrarySnapshot.from_row(self.diff.source)

    @strawberry.field(name="to")  # type: ignore[untyped-decorator]
    def target(self) -> LibrarySnapshot:
        return LibrarySnapshot.from_row(self.diff.target)

    @strawberry.field
    async def added_tracks(self, info: Info) -> list[Track]:
        return await _tracks(info, self.diff.tracks.added, self._scope)

    @strawberry.field
    async def removed_tracks(self, info: Info) -> list[Track]:
        return await _tracks(info, self.diff.tracks.removed, self._scope)

    @strawberry.field
    async def added_albums(self, info: Info) -> list[Album]:
        return await self._albums(info, self.diff.albums.added)

    @strawberry.field
    async def removed_albums(self, info: Info) -> list[Album]:
        return await self._albums(info, self.diff.albums.removed)

    @strawberry.field
    async def followed_artists(self, info: Info) -> list[Artist]:
        return await self._artists(info, self.diff.artists.added)

    @strawberry.field
    async def unfollowed_artists(self, info: Info) -> list[Artist]:
        return await self._artists(info, self.diff.artists.removed)

    @strawberry.field
    async def added_playlists(self, info: Info) -> list[Playlist]:
        return await self._playlists(info, self.diff.playlists.added)

    @strawberry.field
    async def removed_playlists(self, info: Info) -> list[Playlist]:
        return await self._playlists(info, self.diff.playlists.removed)

    @strawberry.field(description="Playlists in both snapshots whose items changed.")  # type: ignore[untyped-decorator]
    def changed_playlists(self) -> list[PlaylistItemsChange]:
        return [
            PlaylistItemsChange(change=c, scope=self._scope) for c in self.diff.playlist_changes
        ]

    async def _albums(self, info: Info, ids: list[int]) -> list[Album]:
        rows = await info.context.loaders.library.album.load_many(ids)
        return [Album(row=row) for row in rows if row is not None]

    async def _artists(self, info: Info, ids: list[int]) -> list[Artist]:
        rows = await info.context.loaders.library.artist.load_many(ids)
        return [Artist(row=row) for row in rows if row is not None]

    async def _playlists(self, info: Info, ids: list[int]) -> list[Playlist]:
        rows: list[
            models.PlaylistVersion | None
        ] = await info.context.loaders.library.playlist_version.load_many(ids)
        return [Playlist(row=row, scope=self._scope) for row in rows if row is not None]
