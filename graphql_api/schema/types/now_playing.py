"""Now playing: a user's playback as a viewer may see it, and who plays right now."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry.relay import PageInfo

from graphql_api.db import models
from graphql_api.kit.pagination import Page, connection
from graphql_api.resolvers.context import Info
from graphql_api.resolvers.listening import Watched
from graphql_api.schema.types.listening import NowPlayingChange, PlayingItem
from graphql_api.schema.types.user import User


@strawberry.type(
    description=(
        "What a user plays. Progress was `progressMs` at `timestamp` (epoch milliseconds); "
        "while `isPlaying`, clients extrapolate: progressMs + (now - timestamp)."
    )
)
class NowPlaying:
    user_id: strawberry.Private[int]
    user_row: strawberry.Private[models.User]
    item: PlayingItem | None
    is_playing: bool
    progress_ms: int
    timestamp: float | None
    observed_at: dt.datetime | None
    context_uri: str | None
    device: strawberry.Private[str | None]
    change: NowPlayingChange | None

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "The name of the device playing (often a person's name): only the user "
            "themselves sees it, null for everyone else."
        )
    )
    def device_name(self, info: Info) -> str | None:
        return self.device if info.context.viewer_id == self.user_id else None

    @strawberry.field(description="Whose playback this is.")  # type: ignore[untyped-decorator]
    async def user(self, info: Info) -> User:
        # Through the loader, not the row the stream started with: each event of a
        # subscription shows the user as they are now.
        row = await info.context.loaders.user.load(self.user_id)
        return User.from_row(row if row is not None else self.user_row)

    @classmethod
    def of(cls, watched: Watched) -> Self:
        user, playback, change = watched.user, watched.playback, watched.change
        if playback is None:
            return cls(
                user_id=user.id,
                user_row=user,
                item=None,
                is_playing=False,
                progress_ms=0,
                timestamp=None,
                observed_at=None,
                context_uri=None,
                device=None,
                change=None,
            )
        return cls(
            user_id=user.id,
            user_row=user,
            item=PlayingItem.from_data(playback.item) if playback.item else None,
            is_playing=playback.is_playing,
            progress_ms=playback.progress_ms,
            timestamp=playback.observed_at.timestamp() * 1000,
            observed_at=playback.observed_at,
            context_uri=playback.context_uri,
            device=playback.device_name,
            change=NowPlayingChange(change) if change else None,
        )


@strawberry.type
class NowPlayingEdge:
    cursor: str
    node: NowPlaying


@strawberry.type
class NowPlayingConnection:
    edges: list[NowPlayingEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: Page[NowPlaying]) -> Self:
        """The connection of a page of who plays what."""
        return connection(cls, page, lambda cursor, node: NowPlayingEdge(cursor=cursor, node=node))
