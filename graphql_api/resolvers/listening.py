"""Now playing: the query, the subscription, who plays now, follows and sharing."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.relay import GlobalID

from graphql_api.db import models
from graphql_api.db.uow import UnitOfWork
from graphql_api.events import PubSub
from graphql_api.listening import queries, sharing
from graphql_api.listening.events import (
    ACCESS_CHANGED,
    NowPlayingEvent,
    channel,
    is_access_change,
)
from graphql_api.listening.store import load_playback, playback_of
from graphql_api.schema.context import Context
from graphql_api.schema.info import Info
from graphql_api.schema.node import decode_global_id
from graphql_api.schema.types.now_playing import (
    NowPlaying,
    NowPlayingConnection,
    NowPlayingEdge,
    NowPlayingPoller,
    NowPlayingSharing,
)
from graphql_api.schema.types.user import User


async def _visible_user(context: Context, user_id: GlobalID | None) -> models.User:
    """The user whose playback is asked for, once the viewer may see it. A user who does
    not share with the viewer answers exactly as an unknown id does."""
    viewer_id = context.require_viewer()
    target = viewer_id if user_id is None else decode_global_id(user_id, "User")
    async with context.read() as session:
        user = await session.get(models.User, target)
        if user is None or not await sharing.can_view(session, viewer_id, target):
            raise sharing.unknown_user()
    return user


def _announce_access_change(uow: UnitOfWork, pubsub: PubSub, owner_id: int) -> None:
    """After the commit, make ``owner_id``'s open streams check again who may watch.

    A stream checks access when it starts; without this, taking sharing back (or an
    unfollow) would leave an already open stream running.
    """

    async def publish() -> None:
        await pubsub.publish(channel(owner_id), ACCESS_CHANGED)

    uow.after_commit(publish)


async def resolve_now_playing(info: Info, user_id: GlobalID | None = None) -> NowPlaying:
    """What a user (default: the viewer) plays, as last seen by the poller."""
    user = await _visible_user(info.context, user_id)
    async with info.context.read() as session:
        playback = await load_playback(session, user.id)
    return NowPlaying.of(user, playback)


@strawberry.type
class ListeningQuery:
    now_playing: NowPlaying = strawberry.field(
        resolver=resolve_now_playing,
        description="What a user plays now (default: the viewer), if they share it with you.",
    )

    @strawberry.field(description="Users playing something right now whom you may see.")  # type: ignore[untyped-decorator]
    async def listening_now(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> NowPlayingConnection:
        context = info.context
        viewer_id = context.require_viewer()
        async with context.read() as session:
            page = await queries.listening_now(
                session, context.resources.settings, viewer_id, first=first, after=after
            )
        edges = [
            NowPlayingEdge(cursor=cursor, node=NowPlaying.of(user, playback_of(state)))
            for cursor, (user, state) in page.nodes
        ]
        return NowPlayingConnection.from_edges(edges, page)  # type: ignore[arg-type]


@strawberry.type
class ListeningMutation:
    @strawberry.mutation(description="Follow a user (to see their now playing if shared).")  # type: ignore[untyped-decorator]
    async def follow_user(self, info: Info, id: GlobalID) -> User:
        viewer_id = info.context.require_viewer()
        followee_id = decode_global_id(id, "User")
        async with info.context.unit_of_work() as uow:
            followee = await sharing.follow(uow.session, viewer_id, followee_id)
        return User.from_row(followee)

    @strawberry.mutation(description="Stop following a user.")  # type: ignore[untyped-decorator]
    async def unfollow_user(self, info: Info, id: GlobalID) -> User:
        viewer_id = info.context.require_viewer()
        followee_id = decode_global_id(id, "User")
        async with info.context.unit_of_work() as uow:
            followee = await sharing.unfollow(uow.session, viewer_id, followee_id)
            _announce_access_change(uow, info.context.resources.pubsub, followee_id)
        return User.from_row(followee)

    @strawberry.mutation(description="Choose who may see what you are listening to.")  # type: ignore[untyped-decorator]
    async def set_now_playing_sharing(self, info: Info, level: NowPlayingSharing) -> User:
        viewer_id = info.context.require_viewer()
        async with info.context.unit_of_work() as uow:
            user = await sharing.set_sharing(
                uow.session, viewer_id, models.SharingLevel(level.value)
            )
            _announce_access_change(uow, info.context.resources.pubsub, viewer_id)
        return User.from_row(user)

    @strawberry.mutation(description="Turn polling of your Spotify player on or off.")  # type: ignore[untyped-decorator]
    async def set_now_playing_polling(self, info: Info, enabled: bool) -> NowPlayingPoller:
        context = info.context
        viewer_id = context.require_viewer()
        async with context.unit_of_work() as uow:
            await queries.set_polling(uow.session, viewer_id, enabled)
        async with context.read() as session:
            health = await queries.poller_health(session, context.resources.settings, viewer_id)
        return NowPlayingPoller.from_health(health)


@strawberry.type
class ListeningSubscription:
    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description="A user's playback (default: the viewer): the current state, then each change."
    )
    async def now_playing(
        self, info: Info, user_id: GlobalID | None = None
    ) -> AsyncGenerator[NowPlaying, None]:
        context = info.context
        user = await _visible_user(context, user_id)
        # Subscribe first, then read: a change published in between is not lost, and
        # one already in the stored state is skipped by its observation time.
        async with context.resources.pubsub.subscribe(channel(user.id)) as subscription:
            async with context.read() as session:
                playback = await load_playback(session, user.id)
            yield NowPlaying.of(user, playback)
            last_seen = playback.observed_at if playback is not None else None
            async for message in subscription:
                if is_access_change(message):
                    await _visible_user(context, user_id)
                    continue
                event = NowPlayingEvent.from_message(message)
                if last_seen is not None and event.playback.observed_at <= last_seen:
                    continue
                last_seen = event.playback.observed_at
                yield NowPlaying.of(user, event.playback, event.change)
