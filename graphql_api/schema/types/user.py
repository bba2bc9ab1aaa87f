"""The User type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.listening.sharing import shares_with
from graphql_api.resolvers.library_viewer import resolve_library, resolve_library_snapshots
from graphql_api.resolvers.listening_viewer import (
    resolve_listening_history,
    resolve_poller,
    sharing_of,
)
from graphql_api.schema.context import Context
from graphql_api.schema.info import Info
from graphql_api.schema.node import parse_int_id
from graphql_api.schema.types.library import LibrarySnapshot, LibrarySnapshotConnection
from graphql_api.schema.types.now_playing import (
    NowPlayingPoller,
    NowPlayingSharing,
    PlayConnection,
)
from graphql_api.schema.types.spotify_link import SpotifyLink


@strawberry.type(name="User")
class User(relay.Node):
    """A Mixtape user."""

    id: relay.NodeID[int]
    row: strawberry.Private[models.User]

    # The profile: as visible as what the user plays (graphql_api/listening/sharing.py).
    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "The user's display name; null unless they share what they play with you "
            "(yourself, EVERYONE, or FOLLOWERS and you follow them)."
        )
    )
    async def display_name(self, info: Info) -> str | None:
        return self.row.display_name if await profile_visible(info, self.row) else None

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="When the account was created; visible as displayName is."
    )
    async def created_at(self, info: Info) -> dt.datetime | None:
        return self.row.created_at if await profile_visible(info, self.row) else None

    # mypy's strawberry plugin loses the types of a field decorator called with arguments.
    @strawberry.field(description="A local account's email address; only its owner sees it.")  # type: ignore[untyped-decorator]
    def email(self, info: Info) -> str | None:
        return self.row.email if info.context.viewer_id == self.row.id else None

    @strawberry.field(description="The user's Spotify connection; only its owner sees it.")  # type: ignore[untyped-decorator]
    async def spotify(self, info: Info) -> SpotifyLink | None:
        if info.context.viewer_id != self.row.id:
            return None
        async with info.context.read() as session:
            link = await session.get(models.SpotifyAccount, self.row.id)
        return SpotifyLink.from_row(link)

    # Listening (graphql_api/resolvers/listening_viewer.py): the user's own data only.
    @strawberry.field(description="Who may see what the user listens to; only its owner sees it.")  # type: ignore[untyped-decorator]
    def now_playing_sharing(self, info: Info) -> NowPlayingSharing | None:
        return sharing_of(info, self.row.id, self.row.now_playing_sharing)

    @strawberry.field(description="The user's plays, newest first; only its owner sees them.")  # type: ignore[untyped-decorator]
    async def listening_history(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> PlayConnection:
        return await resolve_listening_history(info, self.row.id, first, after, since, until)

    @strawberry.field(description="The health of the user's now-playing poller (owner only).")  # type: ignore[untyped-decorator]
    async def now_playing_poller(self, info: Info) -> NowPlayingPoller:
        return await resolve_poller(info, self.row.id)

    # Library (graphql_api/resolvers/library_viewer.py): the user's own snapshots only.
    @strawberry.field(description="The latest successful snapshot of the user's library.")  # type: ignore[untyped-decorator]
    async def library(self, info: Info) -> LibrarySnapshot | None:
        return await resolve_library(info, self.row.id)

    @strawberry.field(description="Every snapshot of the user's library, newest first.")  # type: ignore[untyped-decorator]
    async def library_snapshots(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> LibrarySnapshotConnection:
        return await resolve_library_snapshots(info, self.row.id, first, after)

    @classmethod
    def from_row(cls, row: models.User) -> Self:
        return cls(id=row.id, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info,
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Self | None]:
        context: Context = info.context
        ids = [parse_int_id(node_id) for node_id in node_ids]
        rows = await context.loaders.user.load_many([i for i in ids if i is not None])
        found = {row.id: row for row in rows if row is not None and _visible(context, row)}
        return [cls.from_row(found[i]) if i in found else None for i in ids]


def _visible(context: Context, row: models.User) -> bool:
    # Until users can share with one another, a user sees only themselves.
    return context.viewer_id == row.id


async def profile_visible(info: Info, user: models.User) -> bool:
    """Whether the viewer may see ``user``'s profile: as what they play (a follow is
    looked up only when the sharing level depends on it, batched per request)."""
    viewer_id = info.context.viewer_id
    level = user.now_playing_sharing
    follows = False
    if viewer_id is not None and viewer_id != user.id and level is models.SharingLevel.FOLLOWERS:
        follows = await info.context.loaders.follows.load((viewer_id, user.id))
    return shares_with(level, is_owner=viewer_id == user.id, follows=follows)
