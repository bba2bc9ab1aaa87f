"""PlaylistChange: one event of the `playlistChanged` subscription."""

from __future__ import annotations

import strawberry
from strawberry import relay

from graphql_api.playlists.events import ChangeKind, PlaylistEvent
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.playlists import Playlist, PlaylistItem
from graphql_api.schema.types.user import User

PlaylistChangeKind = strawberry.enum(ChangeKind, name="PlaylistChangeKind")


@strawberry.type(description="One change of a playlist, as `playlistChanged` streams it.")
class PlaylistChange:
    event: strawberry.Private[PlaylistEvent]

    @strawberry.field(description="CURRENT for the first event: the state the stream starts at.")  # type: ignore[untyped-decorator]
    def kind(self) -> PlaylistChangeKind:  # type: ignore[valid-type]
        return self.event.kind

    @strawberry.field(description="The playlist's version after this change.")  # type: ignore[untyped-decorator]
    def version(self) -> int:
        return self.event.version

    @strawberry.field
    def playlist_id(self) -> relay.GlobalID:
        return relay.GlobalID("Playlist", str(self.event.playlist_id))

    @strawberry.field(description="The playlist as it is now; null once deleted.")  # type: ignore[untyped-decorator]
    async def playlist(self, info: Info) -> Playlist | None:
        if self.event.kind is ChangeKind.DELETED:
            return None
        row = await info.context.loaders.playlists.playlist.load(self.event.playlist_id)
        return Playlist.from_row(row) if row else None

    @strawberry.field(
        description="The items added, moved or removed (ids only: removed ones are gone)."
    )  # type: ignore[untyped-decorator]
    def item_ids(self) -> list[relay.GlobalID]:
        return [relay.GlobalID("PlaylistItem", str(i)) for i in self.event.item_ids]

    @strawberry.field(description="The items added or moved, as they are now.")  # type: ignore[untyped-decorator]
    async def items(self, info: Info) -> list[PlaylistItem]:
        if self.event.kind not in (ChangeKind.ITEMS_ADDED, ChangeKind.ITEMS_MOVED):
            return []
        rows = await info.context.loaders.playlists.entry.load_many(list(self.event.item_ids))
        return [PlaylistItem.from_row(row) for row in rows if row is not None]

    @strawberry.field(description="Who made the change.")  # type: ignore[untyped-decorator]
    async def actor(self, info: Info) -> User | None:
        if self.event.actor_id is None:
            return None
        row = await info.context.loaders.user.load(self.event.actor_id)
        return User.from_row(row) if row else None
