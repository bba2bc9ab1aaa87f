"""Reading a library from Spotify: concurrent offset pages, cursor pages, progress.

Every call goes through the user's ``SpotifyClient`` (token refresh, the app-wide
request budget, 429 handling). Offset pages after the first are fetched together, at
most ``concurrency`` at a time across the whole job; cursor pages can only follow
one another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from graphql_api.library.ingest import Json

PAGE_SIZE = 50
OnItems = Callable[[int], Awaitable[None]]


class Getter(Protocol):
    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any: ...


def _items(page: Any) -> list[Json]:
    # Null entries are kept: a playlist's positions must stay where Spotify has them.
    items = page.get("items") if isinstance(page, dict) else None
    return list(items) if isinstance(items, list) else []


class LibraryReader:
    """Fetches one user's library with a shared limit on calls in flight."""

    def __init__(self, client: Getter, concurrency: int) -> None:
        self.client = client
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self.requests = 0

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        async with self._slots:
            self.requests += 1
            return await self.client.get(path, params)

    async def first_page(self, path: str) -> Json:
        page = await self._get(path, {"limit": PAGE_SIZE, "offset": 0})
        return page if isinstance(page, dict) else {}

    async def offset_items(
        self, path: str, on_items: OnItems, first: Json | None = None
    ) -> list[Json]:
        """All items of an offset-paged list, in order (``first`` if already fetched)."""
        if first is None:
            first = await self.first_page(path)
        items = _items(first)
        await on_items(len(items))
        total = first.get("total")
        if not isinstance(total, int) or total <= len(items):
            return items

        async def page(offset: int) -> list[Json]:
            got = _items(await self._get(path, {"limit": PAGE_SIZE, "offset": offset}))
            await on_items(len(got))
            return got

        rest = await asyncio.gather(*(page(o) for o in range(len(items), total, PAGE_SIZE)))
        for chunk in rest:
            items.extend(chunk)
        return items

    async def followed_artists(self, on_items: OnItems) -> list[Json]:
        """Followed artists: a cursor-paged list wrapped in ``"artists"``."""
        artists: list[Json] = []
        path: str | None = "me/following"
        params: dict[str, Any] | None = {"type": "artist", "limit": PAGE_SIZE}
        while path:
            body = await self._get(path, params)
            page = body.get("artists") if isinstance(body, dict) else None
            if not isinstance(page, dict):
                break
            got = [a for a in _items(page) if isinstance(a, dict)]
            artists.extend(got)
            await on_items(len(got))
            following = page.get("next")
            path, params = (following, None) if isinstance(following, str) and got else (None, None)
        return artists
