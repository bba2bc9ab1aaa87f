"""Now playing: the query, the subscription, who plays now, follows and sharing.

Thin: each checks the viewer, calls the listening domain and returns what it found; the
schema (``schema/operations/listening.py``) shapes it into GraphQL types.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass

from graphql_api.db import models
from graphql_api.db.uow import UnitOfWork
from graphql_api.events import PubSub
from graphql_api.kit.pagination import Page
from graphql_api.listening import queries, sharing
from graphql_api.listening.events import (
    ACCESS_CHANGED,
    NowPlayingEvent,
    channel,
    is_access_change,
)
from graphql_api.listening.playback import Playback
from graphql_api.listening.store import load_playback, playback_of
from graphql_api.resolvers.context import Context


@dataclass(frozen=True)
class Watched:
    """A user's playback as a viewer may see it, and the change that produced it."""

    user: models.User
    playback: Playback | None
    change: str | None = None


async def _visible_user(context: Context, user_id: int | None) -> models.User:
    """The user whose playback is asked for (default: the viewer), once the viewer may see
    it. A user who does not share with the viewer answers exactly as an unknown id does."""
    viewer_id = context.require_viewer()
    target = viewer_id if user_id is None else user_id
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


async def now_playing(context: Context, user_id: int | None) -> Watched:
    """What a user (default: the viewer) plays, as last seen by the poller."""
    user = await _visible_user(context, user_id)
    async with context.read() as session:
        return Watched(user, await load_playback(session, user.id))


async def listening_now(context: Context, *, first: int | None, after: str | None) -> Page[Watched]:
    """Users playing something right now whom the viewer may see."""
    viewer_id = context.require_viewer()
    async with context.read() as session:
        page = await queries.listening_now(
            session, context.resources.settings, viewer_id, first=first, after=after
        )
    return page.map(lambda found: Watched(found[0], playback_of(found[1])))


async def follow_user(context: Context, followee_id: int) -> models.User:
    """Follow a user (to see their now playing if shared)."""
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        return await sharing.follow(uow.session, viewer_id, followee_id)


async def unfollow_user(context: Context, followee_id: int) -> models.User:
    """Stop following a user; their streams open for the viewer check access again."""
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        followee = await sharing.unfollow(uow.session, viewer_id, followee_id)
        _announce_access_change(uow, context.resources.pubsub, followee_id)
    return followee


async def set_now_playing_sharing(context: Context, level: models.SharingLevel) -> models.User:
    """Choose who may see what the viewer listens to."""
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        user = await sharing.set_sharing(uow.session, viewer_id, level)
        _announce_access_change(uow, context.resources.pubsub, viewer_id)
    return user


async def set_now_playing_polling(context: Context, enabled: bool) -> queries.PollerHealth:
    """Turn polling of the viewer's Spotify player on or off."""
    viewer_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        await queries.set_polling(uow.session, viewer_id, enabled)
    async with context.read() as session:
        return await queries.poller_health(session, context.resources.settings, viewer_id)


async def now_playing_updates(
    context: Context, user_id: int | None
) -> AsyncGenerator[Watched, None]:
    """A user's playback (default: the viewer): the current state, then each change."""
    user = await _visible_user(context, user_id)
    # Subscribe first, then read: a change published in between is not lost, and
    # one already in the stored state is skipped by its observation time.
    async with context.resources.pubsub.subscribe(channel(user.id)) as subscription:
        async with context.read() as session:
            playback = await load_playback(session, user.id)
        yield Watched(user, playback)
        last_seen = playback.observed_at if playback is not None else None
        async for message in subscription:
            if is_access_change(message):
                await _visible_user(context, user_id)
                continue
            event = NowPlayingEvent.from_message(message)
            if last_seen is not None and event.playback.observed_at <= last_seen:
                continue
            last_seen = event.playback.observed_at
            yield Watched(user, event.playback, event.change.value if event.change else None)
