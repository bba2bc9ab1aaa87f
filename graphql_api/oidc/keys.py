"""A provider's signing keys (JWKS), cached and fetched again when a token names a new key.

Providers rotate keys by publishing a new one and signing with it; an ID token whose
``kid`` the cached set lacks makes the set be fetched again, at most once per
``MIXTAPE_OIDC_JWKS_REFETCH_MIN_S``, so tokens with made-up key ids cannot make Mixtape
hammer the provider.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from graphql_api.oidc.errors import OidcAuthFailed, OidcUnavailable


class KeyCache:
    """The JWKS of one provider, as this process last fetched it."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[Any]],
        *,
        ttl_s: float,
        refetch_min_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._refetch_min_s = refetch_min_s
        self._clock = clock
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def key_set_with(self, kid: str | None) -> KeySet:
        """A key set holding ``kid``; OIDC_AUTH_FAILED (``UNKNOWN_KEY``) when the provider
        does not publish it even after fetching its JWKS again."""
        async with self._lock:
            now = self._clock()
            stale = self._keys is None or now - self._fetched_at >= self._ttl_s
            if stale or (not self._holds(kid) and now - self._fetched_at >= self._refetch_min_s):
                await self._refresh()
            if not self._holds(kid):
                raise OidcAuthFailed(
                    "The ID token was signed with a key the provider does not publish.",
                    reason="UNKNOWN_KEY",
                )
            assert self._keys is not None
            return self._keys

    def forget(self) -> None:
        """Drop the cached keys (the next token fetches them)."""
        self._keys = None

    def _holds(self, kid: str | None) -> bool:
        if self._keys is None:
            return False
        if kid is None:
            return len(self._keys.keys) == 1
        return any(key.kid == kid for key in self._keys.keys)

    async def _refresh(self) -> None:
        body = await self._fetch()
        if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            raise OidcUnavailable("The sign-in provider's JWKS has no 'keys' list.")
        # Keys of other uses or types Mixtape cannot read are skipped, not fatal.
        usable = [
            key
            for key in body["keys"]
            if isinstance(key, dict) and key.get("use", "sig") == "sig" and _importable(key)
        ]
        self._keys = KeySet.import_key_set({"keys": usable})
        self._fetched_at = self._clock()


def _importable(key: dict[str, Any]) -> bool:
    try:
        KeySet.import_key_set({"keys": [key]})
    except (JoseError, ValueError, TypeError, KeyError):
        return False
    return True
