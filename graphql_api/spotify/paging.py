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
    """Every item of an offset-paged collection, in order.

    The first page gives ``total``; the remaining pages are requested concurrently
    (bounded by ``concurrency``). If the collection grew meanwhile, the pages past the
    first-seen total are then followed through ``next`` one by one. ``progress`` is called
    with ``(items done, total)`` after each page. ``first`` is the (unwrapped) first page
    when the caller already fetched it, e.g. to learn every collection's total up front.
    """
    base = dict(params or {})
    if first is None:
        first = _page(await client.get(path, {**base, "limit": page_size, "offset": 0}), wrapper)
    items = _items(first)
    total = first.get("total")
    if not isinstance(total, int) or total <= len(items):
        await _report(progress, len(items), len(items))
        return items
    page_count = math.ceil(total / page_size)
    pages: list[dict[str, Any]] = [first, *({} for _ in range(page_count - 1))]
    done = len(items)
    await _report(progress, done, total)
    gate = asyncio.Semaphore(max(1, concurrency))

    async def fetch(index: int) -> None:
        nonlocal done
        async with gate:
            query = {**base, "limit": page_size, "offset": index * page_size}
            pages[index] = _page(await client.get(path, query), wrapper)
        done += len(_items(pages[index]))
        await _report(progress, done, total)

    # The first failed page cancels the others and is raised as itself (not in a group).
    await run_all(*(fetch(index) for index in range(1, page_count)))
    result = [item for page in pages for item in _items(page)]
    following = pages[-1].get("next")
    while isinstance(following, str):
        page = _page(await client.get(following), wrapper)
        more = _items(page)
        if not more:
            break
        result.extend(more)
        await _report(progress, len(result), max(total, len(result)))
        following = page.get("next")
    return result


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
    """Every item of a cursor-paged collection, in order, following ``next``.

    ``wrapper`` names the key the page sits under (``"artists"`` for ``/me/following``).
    Raises ``SpotifyApiError`` when ``next`` still leads on after ``max_pages`` pages:
    returning what was read so far would pass a truncated collection off as complete.
    """
    page = _page(await client.get(path, {**(params or {}), "limit": page_size}), wrapper)
    result = _items(page)
    total = page.get("total")
    await _report(progress, len(result), total if isinstance(total, int) else len(result))
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
        result.extend(more)
        total = page.get("total")
        await _report(progress, len(result), total if isinstance(total, int) else len(result))
    return result
