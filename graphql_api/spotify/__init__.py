"""Mixtape's Spotify client: OAuth, tokens, polite requests, paging, parsing.

:class:`SpotifyServices` is what a process holds (built once by the composition root and
kept on ``Resources.spotify``): the one HTTP client, the token manager and the app-wide
request budget. ``resources.spotify.client_for(user_id)`` is the usual entry point.
The package does no persistence of its own: the token store is handed to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from redis.asyncio import Redis

from graphql_api.events import PubSub
from graphql_api.settings import Settings
from graphql_api.spotify.app_token import AppTokens
from graphql_api.spotify.budget import Aimd, MemoryBudget, Priority, RequestBudget
from graphql_api.spotify.client import SpotifyClient, TokenProvider
from graphql_api.spotify.invalidation import LINKS_CHANNEL
from graphql_api.spotify.redis_budget import RedisBudget
from graphql_api.spotify.tokens import TokenManager, TokenStore, UserTokens

__all__ = ["SpotifyClient", "SpotifyServices", "TokenStore", "build_budget"]


@dataclass(frozen=True)
class SpotifyServices:
    """One process's Spotify: HTTP client, token manager, request budget, link events."""

    http: httpx.AsyncClient
    settings: Settings
    tokens: TokenManager
    budget: RequestBudget
    pubsub: PubSub
    app_tokens: AppTokens

    @classmethod
    def build(
        cls,
        http: httpx.AsyncClient,
        settings: Settings,
        store: TokenStore,
        pubsub: PubSub,
        redis: Redis | None,
    ) -> SpotifyServices:
        """The services of a process whose tokens live in ``store``."""
        return cls(
            http=http,
            settings=settings,
            tokens=TokenManager(http, settings, store, redis),
            budget=build_budget(settings, redis),
            pubsub=pubsub,
            app_tokens=AppTokens(http, settings, redis),
        )

    def client_for(self, user_id: int) -> SpotifyClient:
        """A client calling Spotify as ``user_id`` (whose link must exist)."""
        return self.client_with(UserTokens(self.tokens, user_id))

    def client_with(self, tokens: TokenProvider) -> SpotifyClient:
        """A client calling Spotify with ``tokens`` (e.g. a token just obtained at login)."""
        return SpotifyClient(self.http, self.settings, tokens, self.budget)

    def app_client(self, priority: Priority = Priority.BULK) -> SpotifyClient:
        """A client calling Spotify as the app itself (client-credentials grant): catalog
        look-ups only. Bulk priority by default: it serves background jobs."""
        return SpotifyClient(
            self.http, self.settings, self.app_tokens, self.budget, priority=priority
        )

    async def link_changed(self, user_id: int) -> None:
        """Tell every process that ``user_id`` linked again, unlinked or was deleted, so
        that none keeps calling Spotify with a cached token of the old link. Call it after
        the commit that changed the link."""
        self.tokens.forget(user_id)
        await self.pubsub.publish(LINKS_CHANNEL, {"user_id": user_id})


def build_budget(settings: Settings, redis: Redis | None) -> RequestBudget:
    """The app-wide request budget: in Redis when configured, else in this process."""
    limit, bulk_share = settings.spotify_requests_per_30s, settings.spotify_bulk_share
    floor = min(limit, settings.spotify_requests_per_30s_min)
    ceiling = max(limit, settings.spotify_requests_per_30s_max)
    aimd = Aimd(limit, floor, ceiling, increase=settings.spotify_budget_increase)
    if redis is not None:
        return RedisBudget(redis, settings.redis_prefix, limit, bulk_share=bulk_share, aimd=aimd)
    return MemoryBudget(limit, bulk_share=bulk_share, aimd=aimd)
