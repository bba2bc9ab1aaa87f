"""Now-playing root fields (``graphql_api/resolvers/listening.py`` does the work)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.relay import GlobalID

from graphql_api.db import models
from graphql_api.kit.ids import decode_global_id
from graphql_api.resolvers import listening
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.listening import NowPlayingPoller, NowPlayingSharing
from graphql_api.schema.types.now_playing import (
    NowPlaying,
    NowPlayingConnection,
)
from graphql_api.schema.types.paging import After, First
from graphql_api.schema.types.user import User


def _user_id(value: GlobalID | None) -> int | None:
    return decode_global_id(value, "User") if value is not None else None


@strawberry.type
class ListeningQuery:
    @strawberry.field(
        description="What a user plays now (default: the viewer), if they share it with you."
    )  # type: ignore[untyped-decorator]
    async def now_playing(self, info: Info, user_id: GlobalID | None = None) -> NowPlaying:
        return NowPlaying.of(await listening.now_playing(info.context, _user_id(user_id)))

    @strawberry.field(description="Users playing something right now whom you may see.")  # type: ignore[untyped-decorator]
    async def listening_now(
        self, info: Info, first: First = None, after: After = None
    ) -> NowPlayingConnection:
        page = await listening.listening_now(info.context, first=first, after=after)
        return NowPlayingConnection.from_page(page.map(NowPlaying.of))


@strawberry.type
class ListeningMutation:
    @strawberry.mutation(description="Follow a user (to see their now playing if shared).")  # type: ignore[untyped-decorator]
    async def follow_user(self, info: Info, id: GlobalID) -> User:
        return User.from_row(
            await listening.follow_user(info.context, decode_global_id(id, "User"))
        )

    @strawberry.mutation(description="Stop following a user.")  # type: ignore[untyped-decorator]
    async def unfollow_user(self, info: Info, id: GlobalID) -> User:
        return User.from_row(
            await listening.unfollow_user(info.context, decode_global_id(id, "User"))
        )

    @strawberry.mutation(description="Choose who may see what you are listening to.")  # type: ignore[untyped-decorator]
    async def set_now_playing_sharing(self, info: Info, level: NowPlayingSharing) -> User:
        level_ = models.SharingLevel(level.value)
        return User.from_row(await listening.set_now_playing_sharing(info.context, level_))

    @strawberry.mutation(description="Turn polling of your Spotify player on or off.")  # type: ignore[untyped-decorator]
    async def set_now_playing_polling(self, info: Info, enabled: bool) -> NowPlayingPoller:
        health = await listening.set_now_playing_polling(info.context, enabled)
        return NowPlayingPoller.from_health(health)


@strawberry.type
class ListeningSubscription:
    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description="A user's playback (default: the viewer): the current state, then each change."
    )
    async def now_playing(
        self, info: Info, user_id: GlobalID | None = None
    ) -> AsyncGenerator[NowPlaying, None]:
        async for watched in listening.now_playing_updates(info.context, _user_id(user_id)):
            yield NowPlaying.of(watched)
