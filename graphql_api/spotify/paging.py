"""Reading Spotify's paged collections.

Offset-paged collections (saved tracks and albums, playlists, playlist items) are
fetched concurrently once the first page has told the total, with at most
``concurrency`` pages in flight; cursor-paged ones (followed artists, recently played)
can only be read in order. Items come back raw (``None`` entries included) and in
Spotify's order; ``objects.py`` parses them tolerantly.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from graphql_api.spotify.errors import SpotifyApiError
from graphql_api.taskgroups import run_all

Progress = Callable[[int, int], Awaitable[None] | None]

# A cursor that never ends (a Spotify bug, or a loop in its cursors) must not spin forever;
# no real collection comes near 10,000 pages of 50.
MAX_CURSOR_PAGES = 10_000


class _Getter(Protocol):
    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any: ...


async def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is None:
        return
    result = progress(done, total)
    if result is not None:
        await result


def _page(body: Any, wrapper: str | None) -> dict[str, Any]:
    if wrapper is not None and isinstance(body, dict):
        body = body.get(wrapper)
    return body if isinstance(body, dict) else {}


def _items(page: dict[str, Any]) -> list[Any]:
    items = page.get("items")
    return list(items) if isinstance(items, list) else []


OnPage = Callable[[int, list[Any]], Awaitable[None]]


async def stream_offset_pages(
    client: _Getter,
    path: str,
    on_page: OnPage,
    params: dict[str, Any] | None = None,
    *,
    page_size: int = 50,
    concurrency: int = 8,
    wrapper: str | None = None,
    progress: Progress | None = None,
    first: dict[str, Any] | None = None,
) -> int:
    """Hand every page of an offset-paged collection to ``on_page(offset, items)`` as it
    arrives (pages after the first in any order); returns the number of items.

    The first page gives ``total``; the remaining pages are requested concurrently, and
    a page's slot (of ``concurrency``) is held until ``on_page`` has taken it: at most
    ``concurrency`` pages are in memory at once, whatever the collection's size. If the
    collection grew meanwhile, the pages past the first-seen total are then followed
    through ``next`` one by one. ``progress`` is called with ``(items done, total)`` after
    each page. ``first`` is the (unwrapped) first page when the caller already fetched it.
    """
    base = dict(params or {})
    if first is None:
        first = _page(await client.get(path, {**base, "limit": page_size, "offset": 0}), wrapper)
    items = _items(first)
    total = first.get("total")
    following = first.get("next")
    if not isinstance(total, int) or total <= len(items):
        await on_page(0, items)
        await _report(progress, len(items), len(items))
        return len(items)
    page_count = math.ceil(total / page_size)
    done = end = len(items)
    await on_page(0, items)
    await _report(progress, done, total)
    gate = asyncio.Semaphore(max(1, concurrency))

    async def fetch(index: int) -> None:
        nonlocal done, end, following
        async with gate:
            query = {**base, "limit": page_size, "offset": index * page_size}
            page = _page(await client.get(path, query), wrapper)
            more = _items(page)
            if index == page_count - 1:
                following = page.get("next")
            await on_page(index * page_size, more)
        done += len(more)
        end = max(end, index * page_size + len(more))
        await _report(progress, done, total)

    # The first failed page cancels the others and is raised as itself (not in a group).
    await run_all(*(fetch(index) for index in range(1, page_count)))
    offset = end
    while isinstance(following, str):
        page = _page(await client.get(following), wrapper)
        more = _items(page)
        if not more:
            break
        await on_page(offset, more)
        offset += len(more)
        await _report(progress, offset, max(total, offset))
        following = page.get("next")
    return offset


async def fetch_offset_pages(
    client: _Getter,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    page_size: int = 50,
    concurrency: int = 8,
    wrapper: str | None = None,
    progress: Progress | None = None,
    first: dict[str, Any] | None = None,
) -> list[Any]:
    """Every item of an offset-paged collection, in order (``stream_offset_pages``,
    collected)."""
    pages: dict[int, list[Any]] = {}

    async def keep(offset: int, items: list[Any]) -> None:
        pages[offset] = items

    await stream_offset_pages(
        client,
        path,
        keep,
        params,
        page_size=page_size,
        concurrency=concurrency,
        wrapper=wrapper,
        progress=progress,
        first=first,
    )
    return [item for offset in sorted(pages) for item in pages[offset]]


async def stream_cursor_pages(
    client: _Getter,
    path: str,
    on_page: OnPage,
    params: dict[str, Any] | None = None,
    *,
    page_size: int = 50,
    wrapper: str | None = None,
    progress: Progress | None = None,
    max_pages: int = MAX_CURSOR_PAGES,
) -> int:
    """Hand every page of a cursor-paged collection to ``on_page(offset, items)``, in
    order, following ``next``; returns the number of items.

    ``wrapper`` names the key the page sits under (``"artists"`` for ``/me/following``).
    Raises ``SpotifyApiError`` when ``next`` still leads on after ``max_pages`` pages:
    stopping there would pass a truncated collection off as complete.
    """
    page = _page(await client.get(path, {**(params or {}), "limit": page_size}), wrapper)
    items = _items(page)
    await on_page(0, items)
    done = len(items)
    total = page.get("total")
    await _report(progress, done, total if isinstance(total, int) else done)
    pages = 1
    while isinstance(following := page.get("next"), str):
        if pages >= max_pages:
            raise SpotifyApiError(
                f"{path} still had a next page after {max_pages} pages", status=200
            )
        page = _page(await client.get(following), wrapper)
        pages += 1
        more = _items(page)
        if not more:
            break
        await on_page(done, more)
        done += len(more)
        total = page.get("total")
        await _report(progress, done, total if isinstance(total, int) else done)
    return done


async def fetch_cursor_pages(
    client: _Getter,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    page_size: int = 50,
    wrapper: str | None = None,
    progress: Progress | None = None,
    max_pages: int = MAX_CURSOR_PAGES,
) -> list[Any]:
    """Every item of a cursor-paged collection, in order (``stream_cursor_pages``,
    collected)."""
    result: list[Any] = []

    async def keep(_offset: int, items: list[Any]) -> None:
        result.extend(items)

    await stream_cursor_pages(
        client,
        path,
        keep,
        params,
        page_size=page_size,
        wrapper=wrapper,
        progress=progress,
        max_pages=max_pages,
    )
    return result
