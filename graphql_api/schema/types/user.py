"""The User type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.db.models import LikeTarget
from graphql_api.kit.pagination import Window
from graphql_api.resolvers import (
    history,
    history_stats,
    identities,
    library_viewer,
    listening_viewer,
    releases,
    restore,
    social,
    viewer,
)
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import parse_int_id
from graphql_api.schema.types.history import HistoryImportConnection
from graphql_api.schema.types.identity import Identity
from graphql_api.schema.types.library import LibrarySnapshot, LibrarySnapshotConnection
from graphql_api.schema.types.listening import (
    NowPlayingPoller,
    NowPlayingSharing,
    PlayConnection,
)
from graphql_api.schema.types.listening_stats import ListeningStats, ListeningStatsRange
from graphql_api.schema.types.paging import After, First
from graphql_api.schema.types.releases import ReleaseConnection
from graphql_api.schema.types.restore import RestoreConnection
from graphql_api.schema.types.social import (
    FollowedArtistConnection,
    LibraryTotals,
    LikeConnection,
    LikeType,
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
        return (
            self.row.display_name if await viewer.profile_visible(info.context, self.row) else None
        )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="When the account was created; visible as displayName is."
    )
    async def created_at(self, info: Info) -> dt.datetime | None:
        return self.row.created_at if await viewer.profile_visible(info.context, self.row) else None

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

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The OpenID Connect identities that log into this user (owner only)."
    )
    async def identities(self, info: Info) -> list[Identity] | None:
        rows = await identities.identities_of(info.context, self.row.id)
        return None if rows is None else [Identity.from_row(row) for row in rows]

    # Listening (resolvers/listening_viewer.py): the user's own data only.
    @strawberry.field(description="Who may see what the user listens to; only its owner sees it.")  # type: ignore[untyped-decorator]
    def now_playing_sharing(self, info: Info) -> NowPlayingSharing | None:
        level = listening_viewer.sharing_level(
            info.context, self.row.id, self.row.now_playing_sharing
        )
        return NowPlayingSharing(level) if level is not None else None

    @strawberry.field(description="The user's plays, newest first; only its owner sees them.")  # type: ignore[untyped-decorator]
    async def listening_history(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> PlayConnection:
        page = await listening_viewer.listening_history(
            info.context, self.row.id, first=first, after=after, since=since, until=until
        )
        return PlayConnection.from_page(page)

    @strawberry.field(description="The health of the user's now-playing poller (owner only).")  # type: ignore[untyped-decorator]
    async def now_playing_poller(self, info: Info) -> NowPlayingPoller:
        health = await listening_viewer.poller_health(info.context, self.row.id)
        return NowPlayingPoller.from_health(health)

    # New releases (resolvers/releases.py): the user's own radar only.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="New releases by the artists the user follows or saved music of, newest "
        "first, marking the albums they saved; only its owner sees it."
    )
    async def release_radar(
        self, info: Info, first: First = None, after: After = None
    ) -> ReleaseConnection:
        page, saved = await releases.release_radar(info.context, self.row.id, first, after)
        return ReleaseConnection.from_page(page, saved)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The URL of the release radar's Atom feed, for feed readers (null until "
        "`rotateReleaseFeedUrl` made one); only its owner sees it."
    )
    async def release_feed_url(self, info: Info) -> str | None:
        return await releases.release_feed_url(info.context, self.row.id)

    # Library (resolvers/library_viewer.py): the user's own snapshots only.
    @strawberry.field(description="The latest successful snapshot of the user's library.")  # type: ignore[untyped-decorator]
    async def library(self, info: Info) -> LibrarySnapshot | None:
        row = await library_viewer.library(info.context, self.row.id)
        return LibrarySnapshot.from_row(row) if row is not None else None

    @strawberry.field(description="Every snapshot of the user's library, newest first.")  # type: ignore[untyped-decorator]
    async def library_snapshots(
        self, info: Info, first: First = None, after: After = None
    ) -> LibrarySnapshotConnection:
        window = Window.of(first, after)
        rows, total = await library_viewer.library_snapshots(info.context, self.row.id, window)
        return LibrarySnapshotConnection.of(window, rows, total)

    # Likes and follows (resolvers/social.py): the user's own only.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="What the user likes (of one type, if given), newest first; owner only."
    )
    async def likes(
        self, info: Info, type: LikeType | None = None, first: First = None, after: After = None
    ) -> LikeConnection:
        target = LikeTarget(type.value) if type is not None else None
        page = await social.user_likes(info.context, self.row.id, target, first=first, after=after)
        return LikeConnection.from_page(page)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Artists the user follows, on Spotify (as of their latest library snapshot) or in "
            "Mixtape, each once, by name; owner only."
        )
    )
    async def followed_artists(
        self, info: Info, first: First = None, after: After = None
    ) -> FollowedArtistConnection:
        page = await social.user_followed_artists(
            info.context, self.row.id, first=first, after=after
        )
        return FollowedArtistConnection.from_page(page)

    @strawberry.field(description="The size of the user's library; owner only.")  # type: ignore[untyped-decorator]
    async def library_totals(self, info: Info) -> LibraryTotals | None:
        found = await social.library_totals(info.context, self.row.id)
        return LibraryTotals.of(found) if found is not None else None

    @strawberry.field(
        description="The user's streaming-history imports, newest first (owner only)."
    )  # type: ignore[untyped-decorator]
    async def history_imports(
        self, info: Info, first: First = None, after: After = None
    ) -> HistoryImportConnection:
        window = Window.of(first, after)
        rows, total = await history.history_imports(info.context, self.row.id, window)
        return HistoryImportConnection.of(window, rows, total)

    @strawberry.field(description="The user's restores of snapshots, newest first (owner only).")  # type: ignore[untyped-decorator]
    async def restores(
        self, info: Info, first: First = None, after: After = None
    ) -> RestoreConnection:
        window = Window.of(first, after)
        rows, total = await restore.restores(info.context, self.row.id, window)
        return RestoreConnection.of(window, rows, total)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Listening statistics over `range` (default: all time), in `timezone` (an IANA "
            "name); visible as what the user plays is (yourself, EVERYONE, or FOLLOWERS "
            "and you follow them)."
        )
    )
    async def listening_stats(
        self, info: Info, range: ListeningStatsRange | None = None, timezone: str = "UTC"
    ) -> ListeningStats:
        span = range or ListeningStatsRange()
        reader = await history_stats.listening_stats(
            info.context, self.row.id, span.since, span.until, timezone
        )
        return ListeningStats(reader=reader)

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
        ids = [parse_int_id(node_id) for node_id in node_ids]
        rows = await info.context.loaders.user.load_many([i for i in ids if i is not None])
        visible = viewer.visible_users(info.context, list(rows))
        found = {row.id: row for row in visible if row is not None}
        return [cls.from_row(found[i]) if i in found else None for i in ids]
