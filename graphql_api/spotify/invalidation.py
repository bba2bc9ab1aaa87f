"""Cross-process invalidation of cached Spotify access tokens.

Every process caches access tokens (``tokens.py``). When a user links another Spotify
account, unlinks or is deleted, the process that made the change publishes the user's id
on ``LINKS_CHANNEL`` (``SpotifyServices.link_changed``) and every process, the workers'
pollers included, drops its cached token on receipt. ``tokens.CACHE_MAX_AGE_S`` bounds
the staleness should a message be lost (Redis pub/sub delivers at most once).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from graphql_api.events import PubSub
from graphql_api.spotify.tokens import TokenManager
from graphql_api.taskgroups import in_background

log = logging.getLogger(__name__)

LINKS_CHANNEL = "spotify.links"


@contextlib.asynccontextmanager
async def forget_changed_links(pubsub: PubSub, tokens: TokenManager) -> AsyncIterator[None]:
    """For the block's duration, drop the cached token of every user whose link changed."""
    async with pubsub.subscribe(LINKS_CHANNEL) as subscription:

        async def listen() -> None:
            async for message in subscription:
                user_id = message.get("user_id")
                if isinstance(user_id, int):
                    tokens.forget(user_id)
                else:
                    log.warning("ignored a malformed link event: %r", message)

        async with in_background(listen(), "spotify-link-invalidation"):
            yield
