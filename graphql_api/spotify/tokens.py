"""Access tokens for a user's Spotify calls, refreshed only when needed, one refresh at a time.

A refresh happens when the stored access token has expired or is about to
(``spotify_refresh_margin_s``), or after Spotify answered 401 to it, and never otherwise.
Spotify may rotate refresh tokens, so two refreshes for one user must never overlap:
an ``asyncio.Lock`` per user serialises the tasks of this process and, with Redis, a
Redis lock per user serialises processes. Whoever takes the locks re-reads the stored
tokens first: another task or process may have refreshed meanwhile, and then there is
nothing left to do.

The manager does no persistence itself: the composition root hands it a
:class:`TokenStore` (the accounts domain's, over the database). Access tokens are cached
per process for at most ``CACHE_MAX_AGE_S``; a relink or unlink is announced to every
process (``invalidation.py``) so that none keeps calling Spotify as the old account.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

import httpx
from redis.asyncio import Redis

from graphql_api.observability.metrics import TOKEN_REFRESHES
from graphql_api.settings import Settings
from graphql_api.spotify.credentials import StoredTokens
from graphql_api.spotify.errors import SpotifyRelinkRequired
from graphql_api.spotify.oauth import TokenSet, refresh_tokens

log = logging.getLogger(__name__)

LOCK_TIMEOUT_S = 30.0
# A cached access token is re-read from the store after this long even without an
# invalidation message: the bound on staleness should a message be lost.
CACHE_MAX_AGE_S = 60.0


class TokenStore(Protocol):
    """Where a user's Spotify tokens live (encrypted at rest). Each call is its own
    short transaction."""

    async def load(self, user_id: int) -> StoredTokens:
        """The stored tokens; ``SpotifyRelinkRequired`` when there is no usable link."""

    async def replace(self, user_id: int, *, used: str, fresh: TokenSet) -> StoredTokens:
        """Store ``fresh`` in place of the tokens refreshed with refresh token ``used``,
        unless the user linked again meanwhile; return what is stored afterwards."""

    async def mark_relink(self, user_id: int, reason: str) -> None:
        """Flag the link as needing re-authorization (and why)."""


@dataclass(frozen=True)
class _Cached:
    access_token: str
    expires_at: dt.datetime
    cached_at: float


class TokenManager:
    """The process's view of every user's Spotify tokens (one per process)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: Settings,
        store: TokenStore,
        redis: Redis | None = None,
    ) -> None:
        self.http = http
        self.settings = settings
        self.store = store
        self.redis = redis
        self._locks: dict[int, asyncio.Lock] = {}
        self._cache: dict[int, _Cached] = {}
        self.refreshes = 0  # refreshes this process performed (for tests and metrics)

    def _fresh(self, expires_at: dt.datetime) -> bool:
        margin = dt.timedelta(seconds=self.settings.spotify_refresh_margin_s)
        return expires_at - margin > dt.datetime.now(dt.UTC)

    async def access_token(self, user_id: int) -> str:
        """A usable access token for the user, refreshing first only if it is (nearly) expired."""
        cached = self._cache.get(user_id)
        if (
            cached is not None
            and self._fresh(cached.expires_at)
            and time.monotonic() - cached.cached_at < CACHE_MAX_AGE_S
        ):
            return cached.access_token
        tokens = await self.store.load(user_id)
        if self._fresh(tokens.expires_at):
            self._remember(user_id, tokens.access_token, tokens.expires_at)
            return tokens.access_token
        return await self.refresh(user_id, rejected=None)

    async def refresh(self, user_id: int, *, rejected: str | None) -> str:
        """Refresh the user's tokens unless someone already did; return the access token.

        ``rejected`` is the access token Spotify answered 401 to (None when refreshing
        because of the expiry time): if the stored token differs from it, another task
        or process has refreshed already and the stored one is used as is.
        """
        async with self._user_lock(user_id):
            tokens = await self.store.load(user_id)
            already = (
                tokens.access_token != rejected
                if rejected is not None
                else self._fresh(tokens.expires_at)
            )
            if already:
                self._remember(user_id, tokens.access_token, tokens.expires_at)
                return tokens.access_token
            if tokens.refresh_token is None:
                await self._mark_relink(user_id, "the link has no refresh token")
                raise relink_required(missing=False)
            # No transaction is open across the call: a slow accounts service must not
            # pin a database connection per refreshing user.
            try:
                fresh = await refresh_tokens(self.http, self.settings, tokens.refresh_token)
            except SpotifyRelinkRequired as error:
                TOKEN_REFRESHES.labels("failed").inc()
                await self._mark_relink(user_id, str(error))
                raise
            except Exception:
                TOKEN_REFRESHES.labels("failed").inc()
                raise
            TOKEN_REFRESHES.labels("ok").inc()
            # The store commits at once: a rotated refresh token must be durable before
            # anyone else may refresh (the old one may already be dead).
            current = await self.store.replace(user_id, used=tokens.refresh_token, fresh=fresh)
            self._remember(user_id, current.access_token, current.expires_at)
            if current.access_token == fresh.access_token:
                self.refreshes += 1
                log.info("refreshed Spotify tokens for user %s", user_id)
            return current.access_token

    def forget(self, user_id: int) -> None:
        """Drop this process's cached access token (e.g. after the user linked again);
        ``invalidation.announce_link_changed`` does it in every process."""
        self._cache.pop(user_id, None)

    def _remember(self, user_id: int, token: str, expires_at: dt.datetime) -> None:
        self._cache[user_id] = _Cached(token, expires_at, time.monotonic())

    async def _mark_relink(self, user_id: int, reason: str) -> None:
        """Flag the link as needing re-authorization, in a transaction of its own."""
        self._cache.pop(user_id, None)
        await self.store.mark_relink(user_id, reason)
        log.warning("Spotify link of user %s needs re-authorization", user_id)

    @contextlib.asynccontextmanager
    async def _user_lock(self, user_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        async with lock:
            redis = self.redis
            if redis is None:
                yield
                return
            name = f"{self.settings.redis_prefix}:spotify:refresh:{user_id}"
            async with redis.lock(
                name, timeout=LOCK_TIMEOUT_S, blocking_timeout=LOCK_TIMEOUT_S + 5
            ):
                yield


class UserTokens:
    """A token provider bound to one user (what ``SpotifyClient`` asks for tokens)."""

    def __init__(self, manager: TokenManager, user_id: int) -> None:
        self.manager = manager
        self.user_id = user_id

    async def access_token(self) -> str:
        """The user's current access token (see ``TokenManager.access_token``)."""
        return await self.manager.access_token(self.user_id)

    async def refresh(self, rejected: str) -> str:
        """A new token after Spotify answered 401 to ``rejected``."""
        return await self.manager.refresh(self.user_id, rejected=rejected)


def relink_required(*, missing: bool) -> SpotifyRelinkRequired:
    """The error for a user without a link (``missing``) or with one that needs
    re-authorization."""
    if missing:
        return SpotifyRelinkRequired("connect your Spotify account first")
    return SpotifyRelinkRequired("your Spotify link has expired; connect Spotify again")
