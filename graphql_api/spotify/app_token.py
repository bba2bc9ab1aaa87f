"""The app's own access token (client-credentials grant), for calls that act for no user.

New releases, artists and albums need no user: they are read with an app token. It is
fetched once and reused until shortly before it expires (``spotify_refresh_margin_s``);
however many tasks ask at once, one fetch happens (an ``asyncio.Lock`` in the process
and, with Redis, a Redis lock across processes, the token itself shared in Redis,
encrypted like users' tokens). A 401 on a call fetches a new one, once: whoever comes
second finds the token already replaced and uses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from redis.asyncio import Redis

from graphql_api.settings import Settings
from graphql_api.spotify.credentials import decrypt_token, encrypt_token
from graphql_api.spotify.errors import SpotifyRelinkRequired
from graphql_api.spotify.oauth import request_app_token

log = logging.getLogger(__name__)

LOCK_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class _Token:
    access_token: str
    expires_at: dt.datetime


class AppTokens:
    """The process's app token: a ``TokenProvider`` for ``SpotifyClient``."""

    def __init__(self, http: httpx.AsyncClient, settings: Settings, redis: Redis | None) -> None:
        self.http = http
        self.settings = settings
        self.redis = redis
        self._token: _Token | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0  # tokens this process fetched (for tests and metrics)

    @property
    def _key(self) -> str:
        return f"{self.settings.redis_prefix}:spotify:app-token"

    def _usable(self, token: _Token | None, rejected: str | None) -> bool:
        if token is None or token.access_token == rejected:
            return False
        margin = dt.timedelta(seconds=self.settings.spotify_refresh_margin_s)
        return token.expires_at - margin > dt.datetime.now(dt.UTC)

    async def access_token(self) -> str:
        """A usable app token, fetching one only when there is none or it nearly expired."""
        if self._usable(self._token, None):
            assert self._token is not None
            return self._token.access_token
        return await self._obtain(rejected=None)

    async def refresh(self, rejected: str) -> str:
        """A token other than ``rejected`` (which Spotify answered 401 to)."""
        return await self._obtain(rejected=rejected)

    def forget(self) -> None:
        """Drop this process's copy (tests; a changed client secret)."""
        self._token = None

    async def _obtain(self, *, rejected: str | None) -> str:
        async with self._lock:
            # Someone in this process may have fetched while we waited for the lock.
            if self._usable(self._token, rejected):
                assert self._token is not None
                return self._token.access_token
            async with self._shared_lock():
                token = await self._read_shared()
                if token is None or not self._usable(token, rejected):
                    token = await self._fetch()
                    await self._write_shared(token)
            self._token = token
            return token.access_token

    async def _fetch(self) -> _Token:
        fresh = await request_app_token(self.http, self.settings)
        self.fetches += 1
        log.info("fetched a Spotify app token")
        return _Token(fresh.access_token, fresh.expires_at)

    @contextlib.asynccontextmanager
    async def _shared_lock(self) -> AsyncIterator[None]:
        if self.redis is None:
            yield
            return
        async with self.redis.lock(
            self._key + ":lock", timeout=LOCK_TIMEOUT_S, blocking_timeout=LOCK_TIMEOUT_S + 5
        ):
            yield

    async def _read_shared(self) -> _Token | None:
        if self.redis is None:
            return None
        raw = await self.redis.get(self._key)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            token = decrypt_token(self.settings, data["token"].encode())
            return _Token(token, dt.datetime.fromisoformat(data["expires_at"]))
        except (ValueError, KeyError, TypeError, SpotifyRelinkRequired):
            return None  # unreadable (another secret, another version): fetch a new one

    async def _write_shared(self, token: _Token) -> None:
        if self.redis is None:
            return
        seconds = (token.expires_at - dt.datetime.now(dt.UTC)).total_seconds()
        if seconds <= 1:
            return
        data = {
            "token": encrypt_token(self.settings, token.access_token).decode(),
            "expires_at": token.expires_at.isoformat(),
        }
        await self.redis.set(self._key, json.dumps(data), ex=int(seconds))
