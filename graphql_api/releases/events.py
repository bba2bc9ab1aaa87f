"""New releases as events: the ingest announces what it recorded, once committed; the
``newReleases`` subscription passes each viewer the ones of their radar."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Sequence

from graphql_api.db.uow import UnitOfWork
from graphql_api.events import PubSub

CHANNEL = "releases:new"


def announce(uow: UnitOfWork, pubsub: PubSub, release_ids: Sequence[int]) -> None:
    """Publish ``release_ids`` once ``uow`` commits (nothing if it rolls back)."""
    if release_ids:
        message = {"release_ids": list(release_ids)}
        uow.after_commit(functools.partial(pubsub.publish, CHANNEL, message))


async def announced(pubsub: PubSub) -> AsyncIterator[list[int]]:
    """The ids of each batch of new releases, as ingests record them."""
    async with pubsub.subscribe(CHANNEL) as messages:
        async for message in messages:
            ids = message.get("release_ids")
            if isinstance(ids, list):
                yield [i for i in ids if isinstance(i, int)]
