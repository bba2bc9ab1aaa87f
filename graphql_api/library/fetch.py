"""Reading a library from Spotify: every collection of one user, with progress.

Every call goes through the user's ``SpotifyClient`` (token refresh, the app-wide
request budget, 429 handling) and the client's paging (``graphql_api.spotify.paging``);
what this adds is one limit on calls in flight across the whole job, however many
collections and playlists are being read at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from graphql_api.library.ingest import Json
from graphql_api.observability.metrics import SNAPSHOT_PAGES, spotify_endpoint
from graphql_api.spotify.paging import Progress, fetch_cursor_pages, fetch_offset_pages

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

    def __init__(self, client: Getter, concurrency: int) -> None:
        self.client = client
        self.concurrency = max(1, concurrency)
        self._slots = asyncio.Semaphore(self.concurrency)
        self.requests = 0

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """One call, once a slot of the job's limit is free."""
        async with self._slots:
            self.requests += 1
            SNAPSHOT_PAGES.labels(spotify_endpoint(path)).inc()
            return await self.client.get(path, params)

    async def first_page(self, path: str) -> Json:
        page = await self.get(path, {"limit": PAGE_SIZE, "offset": 0})
        return page if isinstance(page, dict) else {}

    async def offset_items(
        self, path: str, on_items: OnItems, first: Json | None = None
    ) -> list[Json]:
        """All items of an offset-paged list, in order, nulls kept where Spotify has them
        (``first`` if already fetched)."""
        return await fetch_offset_pages(
            self,
            path,
            page_size=PAGE_SIZE,
            concurrency=self.concurrency,
            progress=_counting(on_items),
            first=first,
        )

    async def followed_artists(self, on_items: OnItems) -> list[Json]:
        """Followed artists: a cursor-paged list wrapped in ``"artists"``."""
        artists = await fetch_cursor_pages(
            self,
            "me/following",
            {"type": "artist"},
            page_size=PAGE_SIZE,
            wrapper="artists",
            progress=_counting(on_items),
        )
        return [artist for artist in artists if isinstance(artist, dict)]
