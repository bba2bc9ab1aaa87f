"""``SpotifyClient``: Web API calls with Spotify's manners.

- Each attempt first waits for a slot in the app-wide request budget.
- 429: wait ``Retry-After`` (and make every other request wait too) when it is at most
  ``spotify_max_retry_after`` seconds, else raise ``RateLimited`` carrying the wait.
- 5xx and timeouts: retried with capped exponential backoff and full jitter, but only
  for idempotent calls; a POST is retried only when it certainly never reached Spotify
  (connection refused, or a 429 which Spotify answers before doing anything).
- 401: refresh the token once (see ``tokens.py``) and try again.
- 403 / 404 / Premium required / no active device become typed errors.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import httpx
import orjson

from graphql_api.observability.metrics import (
    SPOTIFY_DURATION,
    SPOTIFY_REQUESTS,
    SPOTIFY_RETRY_AFTER,
    spotify_endpoint,
)
from graphql_api.settings import Settings
from graphql_api.spotify.budget import Priority, RequestBudget
from graphql_api.spotify.errors import (
    NoActiveDevice,
    PremiumRequired,
    RateLimited,
    SpotifyApiError,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyRelinkRequired,
    SpotifyUnavailable,
)

log = logging.getLogger(__name__)

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class TokenProvider(Protocol):
    async def access_token(self) -> str:
        """The token to send."""

    async def refresh(self, rejected: str) -> str:
        """A new token after Spotify rejected ``rejected`` with 401."""


class RateObserver(Protocol):
    """Told of every answer: whether Spotify throttled it (e.g. ``AdaptiveLimit``)."""

    def answered(self) -> None: ...

    def throttled(self) -> None: ...


class StaticToken:
    """A fixed token (scripts, tests); a 401 cannot be recovered from."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def access_token(self) -> str:
        """The fixed token."""
        return self._token

    async def refresh(self, rejected: str) -> str:
        """There is nothing to refresh with: the caller must get a new token."""
        raise SpotifyRelinkRequired("Spotify rejected the access token")


class SpotifyClient:
    """One user's (or one token's) view of the Spotify Web API."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: Settings,
        tokens: TokenProvider,
        budget: RequestBudget,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        priority: Priority = Priority.INTERACTIVE,
        observer: RateObserver | None = None,
    ) -> None:
        self.http = http
        self.settings = settings
        self.tokens = tokens
        self.budget = budget
        self._sleep = sleep
        self.priority = priority
        self.observer = observer
        self.api_url = settings.spotify_api_url.rstrip("/")
        self._api_root = httpx.URL(self.api_url).path.rstrip("/")

    def with_priority(
        self, priority: Priority, observer: RateObserver | None = None
    ) -> SpotifyClient:
        """The same client, its calls taking budget slots at ``priority``
        (``Priority.BULK`` for a snapshot's paging), its answers told to ``observer``."""
        return SpotifyClient(
            self.http,
            self.settings,
            self.tokens,
            self.budget,
            sleep=self._sleep,
            priority=priority,
            observer=observer or self.observer,
        )

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` (relative to the API root, or a ``next`` URL Spotify gave)."""
        return await self.request("GET", path, params=params)

    async def put(self, path: str, params: dict[str, Any] | None = None, json: Any = None) -> Any:
        """PUT: idempotent, so retried like a GET."""
        return await self.request("PUT", path, params=params, json=json)

    async def post(self, path: str, params: dict[str, Any] | None = None, json: Any = None) -> Any:
        """POST: never retried once it may have reached Spotify."""
        return await self.request("POST", path, params=params, json=json)

    async def delete(
        self, path: str, params: dict[str, Any] | None = None, json: Any = None
    ) -> Any:
        """DELETE: idempotent, so retried like a GET."""
        return await self.request("DELETE", path, params=params, json=json)

    def url_of(self, path: str) -> str:
        """The absolute URL for ``path``; refuses absolute URLs outside the API root.

        ``next`` links come from response bodies, so a tampered or buggy one must not
        make us send the user's token to another host (or another scheme or port).
        """
        url = httpx.URL(path)
        if not url.is_absolute_url:
            return f"{self.api_url}/{path.lstrip('/')}"
        root = httpx.URL(self.api_url + "/")
        same_origin = (url.scheme, url.host, url.port) == (root.scheme, root.host, root.port)
        if not same_origin or url.userinfo or not url.path.startswith(root.path):
            raise ValueError(f"not a Spotify API URL: {_route(path)} on {url.host}")
        return path

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send one call; returns the decoded JSON body, or None for an empty answer."""
        method = method.upper()
        retry_ambiguous = method in IDEMPOTENT if idempotent is None else idempotent
        url = self.url_of(path)
        endpoint = spotify_endpoint(_route(url).removeprefix(self._api_root))
        settings = self.settings
        token = await self.tokens.access_token()
        refreshed = False
        failures = 0
        while True:
            await self.budget.acquire(
                max_pause=settings.spotify_max_retry_after, priority=self.priority
            )
            started = time.perf_counter()
            try:
                response = await self.http.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers={"authorization": f"Bearer {token}"},
                )
            except httpx.TransportError as exc:
                SPOTIFY_REQUESTS.labels(method, endpoint, "error").inc()
                # These fail before a byte of the request left, so even a POST is safe to retry.
                never_sent = isinstance(
                    exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
                )
                if not (retry_ambiguous or never_sent) or failures >= settings.spotify_max_retries:
                    raise SpotifyUnavailable(
                        f"Spotify did not answer {method} {_route(url)} ({type(exc).__name__})"
                    ) from exc
                failures += 1
                await self._backoff(failures)
                continue
            status = response.status_code
            SPOTIFY_REQUESTS.labels(method, endpoint, str(status)).inc()
            SPOTIFY_DURATION.labels(endpoint).observe(time.perf_counter() - started)
            if status != 429:
                await self.budget.succeeded()
                if self.observer is not None:
                    self.observer.answered()
            if status < 300:
                return _json_or_none(method, url, response)
            if status == 401 and not refreshed:
                refreshed = True
                token = await self.tokens.refresh(token)
                continue
            if status == 429:
                wait = _retry_after(response)
                SPOTIFY_RETRY_AFTER.observe(wait)
                if self.observer is not None:
                    self.observer.throttled()
                if wait > settings.spotify_max_retry_after:
                    await self.budget.pause(wait)
                    raise RateLimited(
                        f"Spotify asks us to wait {wait:.0f} seconds", retry_after=wait
                    )
                log.info("Spotify answered 429; waiting %.1fs", wait)
                await self.budget.pause(wait)
                await self._sleep(wait)
                continue
            if status >= 500 and retry_ambiguous and failures < settings.spotify_max_retries:
                failures += 1
                await self._backoff(failures)
                continue
            raise _error_for(method, url, response)

    async def _backoff(self, failures: int) -> None:
        """Full jitter over a capped exponential: spreads retries of many clients apart."""
        cap = min(
            self.settings.spotify_retry_cap_s,
            self.settings.spotify_retry_base_s * 2 ** (failures - 1),
        )
        await self._sleep(random.uniform(0, cap))


def _json_or_none(method: str, url: str, response: httpx.Response) -> Any:
    """The decoded body; None only for an empty one (204, or a 200 to a PUT).

    A body that is not JSON (a proxy's HTML page, a truncated answer) is an error, not
    "nothing": read as None it would look like "nothing is playing" or an empty page.
    """
    if response.status_code == 204 or not response.content.strip():
        return None
    try:
        # orjson: the snapshot job decodes every page; json.loads was a tenth of its time.
        return orjson.loads(response.content)
    except ValueError:
        raise SpotifyUnavailable(
            f"Spotify's answer to {method} {_route(url)} was not JSON ({response.status_code})"
        ) from None


def _retry_after(response: httpx.Response) -> float:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); 1 when absent."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return 1.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return 1.0
    return max(0.0, when - time.time())


def _route(url: str) -> str:
    return httpx.URL(url).path


def _error_for(method: str, url: str, response: httpx.Response) -> Exception:
    status = response.status_code
    message, reason = _error_message(response)
    where = f"{method} {_route(url)}"
    if reason == "PREMIUM_REQUIRED":
        return PremiumRequired("this needs a Spotify Premium account")
    if reason == "NO_ACTIVE_DEVICE":
        return NoActiveDevice("open Spotify on a device first")
    if status == 401:
        return SpotifyRelinkRequired("Spotify rejected the refreshed access token")
    if status == 403:
        return SpotifyForbidden(f"Spotify refused {where}: {message}")
    if status == 404:
        return SpotifyNotFound(f"Spotify has no such thing ({where})")
    if status >= 500:
        return SpotifyUnavailable(f"Spotify failed {where} ({status})")
    return SpotifyApiError(f"Spotify refused {where}: {message}", status=status)


def _error_message(response: httpx.Response) -> tuple[str, str | None]:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase, None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return response.reason_phrase, None
    reason = error.get("reason")
    return str(error.get("message") or response.reason_phrase), (
        reason if isinstance(reason, str) else None
    )
