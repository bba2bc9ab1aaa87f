"""Access tokens for a user's Spotify calls, refreshed only when needed, one refresh at a time.

A refresh happens when the stored access token has expired or is about to
(``spotify_refresh_margin_s``), or after Spotify answered 401 to it, and never otherwise.
Spotify may rotate refresh tokens, so two refreshes for one user must never overlap:
an ``asyncio.Lock`` per user serialises the tasks of this process and, with Redis, a
Redis lock per user serialises processes. Whoever takes the locks re-reads the row
first: another task or process may have refreshed meanwhile, and then there is nothing
left to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from graphql_api.resources import Resources
from graphql_api.spotify.credentials import load_link, store_tokens, stored_tokens
from graphql_api.spotify.errors import SpotifyRelinkRequired
from graphql_api.spotify.oauth import TokenSet, refresh_tokens

log = logging.getLogger(__name__)

LOCK_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class _Cached:
    access_token: str
    expires_at: dt.datetime


class TokenManager:
    """The process's view of every user's Spotify tokens (one per ``Resources``)."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self.settings = resources.settings
        self._locks: dict[int, asyncio.Lock] = {}
        self._cache: dict[int, _Cached] = {}
        self.refreshes = 0  # refreshes this process performed (for tests and metrics)

    def _fresh(self, expires_at: dt.datetime) -> bool:
        margin = dt.timedelta(seconds=self.settings.spotify_refresh_margin_s)
        return expires_at - margin > dt.datetime.now(dt.UTC)

    async def access_token(self, user_id: int) -> str:
        """A usable access token for the user, refreshing first only if it is (nearly) expired."""
        cached = self._cache.get(user_id)
        if cached is not None and self._fresh(cached.expires_at):
            return cached.access_token
        async with self.resources.sessionmaker() as session:
            account = await load_link(session, user_id)
            if account is None or account.needs_relink:
                raise _relink(account is None)
            tokens = stored_tokens(self.settings, account)
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
            async with self.resources.sessionmaker() as session:
                account = await load_link(session, user_id)
                if account is None or account.needs_relink:
                    raise _relink(account is None)
                tokens = stored_tokens(self.settings, account)
            already = (
                tokens.access_token != rejected
                if rejected is not None
                else self._fresh(tokens.expires_at)
            )
            if already:
                self._remember(user_id, tokens.access_token, tokens.expires_at)
                return tokens.access_token
            if tokens.refresh_token is None:
                await self._mark_relink(user_id)
                raise _relink(False)
            # No session is open across the call: a slow accounts service must not pin
            # a database connection per refreshing user.
            try:
                fresh = await refresh_tokens(
                    self.resources.http, self.settings, tokens.refresh_token
                )
            except SpotifyRelinkRequired:
                await self._mark_relink(user_id)
                raise
            return await self._store(user_id, used=tokens.refresh_token, fresh=fresh)

    async def _store(self, user_id: int, *, used: str, fresh: TokenSet) -> str:
        """Commit refreshed tokens, unless the user linked again while we refreshed."""
        async with self.resources.sessionmaker() as session:
            account = await load_link(session, user_id)
            if account is None:
                raise _relink(True)
            current = stored_tokens(self.settings, account)
            if current.refresh_token != used:
                # A new link (perhaps another Spotify account) replaced the one we refreshed.
                self._remember(user_id, current.access_token, current.expires_at)
                return current.access_token
            store_tokens(self.settings, account, fresh)
            # This is the boundary owner for a token write: a rotated refresh token must be
            # durable before anyone else may refresh (the old one may already be dead).
            await session.commit()
        self.refreshes += 1
        self._remember(user_id, fresh.access_token, fresh.expires_at)
        log.info("refreshed Spotify tokens for user %s", user_id)
        return fresh.access_token

    def forget(self, user_id: int) -> None:
        """Drop the cached access token (e.g. after the user linked again)."""
        self._cache.pop(user_id, None)

    def _remember(self, user_id: int, token: str, expires_at: dt.datetime) -> None:
        self._cache[user_id] = _Cached(token, expires_at)

    async def _mark_relink(self, user_id: int) -> None:
        """Flag the link as needing re-authorization, in a transaction of its own."""
        self._cache.pop(user_id, None)
        async with self.resources.sessionmaker() as session:
            account = await load_link(session, user_id)
            if account is not None:
                account.needs_relink = True
                await session.commit()
        log.warning("Spotify link of user %s needs re-authorization", user_id)

    @contextlib.asynccontextmanager
    async def _user_lock(self, user_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(user_id, asyncio.Lock())
        async with lock:
            redis = self.resources.redis
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


def _relink(missing: bool) -> SpotifyRelinkRequired:
    if missing:
        return SpotifyRelinkRequired("connect your Spotify account first")
    return SpotifyRelinkRequired("your Spotify link has expired; connect Spotify again")
