"""The Spotify calls of the ingest, made with the app token and counted.

New releases are paged per market; artist details come 50 at a time from
``/artists?ids=`` or, where that is gone (development-mode apps), one by one; an artist's
albums and singles are read newest first and only as far back as the window.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from graphql_api.spotify import SpotifyClient
from graphql_api.spotify.errors import SpotifyForbidden, SpotifyNotFound
from graphql_api.spotify.paging import fetch_offset_pages
from graphql_api.taskgroups import run_all

Json = dict[str, Any]
Progress = Callable[[int, int], None]

SEVERAL_ARTISTS = 50
ARTIST_ALBUMS_PAGE = 10  # Spotify's most for /artists/{id}/albums
CONCURRENCY = 4


class CountingClient:
    """``SpotifyClient.get`` that counts the calls it made (the run's requests)."""

    def __init__(self, client: SpotifyClient) -> None:
        self.client = client
        self.requests = 0

    async def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET, counted."""
        self.requests += 1
        return await self.client.get(path, params)


async def new_releases(
    client: CountingClient, market: str | None, progress: Progress | None = None
) -> list[Json]:
    """Every album of ``/browse/new-releases`` (for ``market``, or the global list).

    ``SpotifyForbidden`` when the app may not read them (development mode)."""
    params = {"country": market} if market else None
    items = await fetch_offset_pages(
        client,
        "/browse/new-releases",
        params,
        wrapper="albums",
        concurrency=CONCURRENCY,
        progress=progress,
    )
    return [item for item in items if isinstance(item, dict) and item.get("id")]


async def artists(client: CountingClient, spotify_ids: Sequence[str]) -> list[Json]:
    """Full artist objects for ``spotify_ids`` (unknown ones left out)."""
    found: list[Json] = []
    try:
        for start in range(0, len(spotify_ids), SEVERAL_ARTISTS):
            chunk = spotify_ids[start : start + SEVERAL_ARTISTS]
            body = await client.get("/artists", {"ids": ",".join(chunk)})
            listed = body.get("artists") if isinstance(body, dict) else None
            found.extend(a for a in listed or [] if isinstance(a, dict) and a.get("id"))
        return found
    except SpotifyForbidden:
        pass  # several at once is gone for development-mode apps: one by one
    done = {artist["id"] for artist in found}
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(spotify_id: str) -> None:
        async with gate:
            try:
                body = await client.get(f"/artists/{spotify_id}")
            except SpotifyNotFound:
                return
        if isinstance(body, dict) and body.get("id"):
            found.append(body)

    await run_all(*(one(i) for i in spotify_ids if i not in done))
    return found


async def recent_albums(client: CountingClient, spotify_id: str, oldest: str) -> list[Json]:
    """The artist's albums and singles released on or after ``oldest`` (YYYY-MM-DD).

    Spotify lists albums, then singles, each newest first: paging stops at the first
    single older than ``oldest``."""
    found: list[Json] = []
    offset = 0
    while True:
        params = {"include_groups": "album,single", "limit": ARTIST_ALBUMS_PAGE, "offset": offset}
        try:
            page = await client.get(f"/artists/{spotify_id}/albums", params)
        except SpotifyNotFound:
            return found
        items = [i for i in (page or {}).get("items") or [] if isinstance(i, dict)]
        for album in items:
            date = str(album.get("release_date") or "")
            if date[: len(oldest)] >= oldest[: len(date)] and album.get("id"):
                found.append(album)
            elif album.get("album_group") == "single":
                return found
        offset += len(items)
        if not items or not (page or {}).get("next"):
            return found
