"""Mixtape's Spotify client: OAuth, tokens at rest, polite requests, paging, parsing.

``spotify_for(resources, user_id)`` is the usual entry point: a ``SpotifyClient`` for a
user on the process's shared HTTP client, token manager and request budget.
"""

from __future__ import annotations

from graphql_api.resources import Resources
from graphql_api.spotify.budget import MemoryBudget, RedisBudget, RequestBudget
from graphql_api.spotify.client import SpotifyClient
from graphql_api.spotify.tokens import TokenManager, UserTokens

__all__ = ["SpotifyClient", "request_budget", "spotify_for", "token_manager"]

_TOKENS_KEY = "spotify.tokens"
_BUDGET_KEY = "spotify.budget"


def token_manager(resources: Resources) -> TokenManager:
    """The process's token manager (one per ``Resources``, so locks are shared)."""
    manager = resources.extras.get(_TOKENS_KEY)
    if manager is None:
        manager = resources.extras[_TOKENS_KEY] = TokenManager(resources)
    assert isinstance(manager, TokenManager)
    return manager


def request_budget(resources: Resources) -> RequestBudget:
    """The app-wide request budget: in Redis when configured, else in this process."""
    budget = resources.extras.get(_BUDGET_KEY)
    if budget is None:
        settings = resources.settings
        limit = settings.spotify_requests_per_30s
        budget = (
            RedisBudget(
                resources.redis,
                settings.redis_prefix,
                limit,
                bulk_share=settings.spotify_bulk_share,
            )
            if resources.redis is not None
            else MemoryBudget(limit, bulk_share=settings.spotify_bulk_share)
        )
        resources.extras[_BUDGET_KEY] = budget
    return budget


def spotify_for(resources: Resources, user_id: int) -> SpotifyClient:
    """A client calling Spotify as ``user_id`` (whose link must exist)."""
    return SpotifyClient(
        resources.http,
        resources.settings,
        UserTokens(token_manager(resources), user_id),
        request_budget(resources),
    )
