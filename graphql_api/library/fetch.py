"""Reading a library from Spotify: every collection of one user, with progress.

Every call goes through the user's ``SpotifyClient`` (token refresh, the app-wide
request budget, 429 handling) and the client's paging (``graphql_api.spotify.paging``);
what this adds is one limit on calls in flight across the whole job, however many
collections and playlists are being read at once. The limit adapts (``AdaptiveLimit``):
it halves when Spotify answers 429 and grows back to ``concurrency`` while it answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from graphql_api.library.ingest import Json
from graphql_api.observability.metrics import SNAPSHOT_PAGES, spotify_endpoint
from graphql_api.spotify.concurrency import AdaptiveLimit
from graphql_api.spotify.paging import (
    OnPage,
    Progress,
    stream_cursor_pages,
    stream_offset_pages,
)

PAGE_SIZE = 50
OnItems = Callable[[int], Awaitable[None]]


class Getter(Protocol):
    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any: ...


def _counting(on_items: OnItems) -> Progress:
    """Adapt the pager's running ``(done, total)`` to ``on_items(new items)``."""
    seen = 0

    async def report(done: int, _total: int) -> None:
        nonlocal seen
        new, seen = done - seen, max(seen, done)
        if new > 0:
            await on_items(new)

    return report


class LibraryReader:
    """Fetches one user's library with a shared limit on calls in flight."""

    def __init__(
        self, client: Getter, concurrency: int, slots: AdaptiveLimit | None = None
    ) -> None:
        self.client = client
        self.concurrency = max(1, concurrency)
        self.slots = slots or AdaptiveLimit(self.concurrency)
        self.requests = 0

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """One call, once a slot of the job's limit is free."""
        async with self.slots:
            self.requests += 1
            SNAPSHOT_PAGES.labels(spotify_endpoint(path)).inc()
            return await self.client.get(path, params)

    async def first_page(self, path: str) -> Json:
        page = await self.get(path, {"limit": PAGE_SIZE, "offset": 0})
        return page if isinstance(page, dict) else {}

    async def stream(
        self, path: str, on_page: OnPage, on_items: OnItems, first: Json | None = None
    ) -> int:
        """Hand each page of an offset-paged list to ``on_page(offset, items)`` as it
        arrives (``first`` if already fetched); returns the number of items."""
        return await stream_offset_pages(
            self,
            path,
            on_page,
            page_size=PAGE_SIZE,
            concurrency=self.concurrency,
            progress=_counting(on_items),
            first=first,
        )

    async def stream_followed_artists(self, on_page: OnPage, on_items: OnItems) -> int:
        """Followed artists (a cursor-paged list wrapped in ``"artists"``), page by page."""
        return await stream_cursor_pages(
            self,
            "me/following",
            on_page,
            {"type": "artist"},
            page_size=PAGE_SIZE,
            wrapper="artists",
            progress=_counting(on_items),
        )
