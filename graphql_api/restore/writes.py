"""Writing to the account in Spotify's batch sizes; what Spotify no longer has is reported.

``PUT``/``DELETE /me/library`` take at most 40 URIs (the OpenAPI file; tracks, albums,
artists, and playlists to follow or unfollow); ``POST``/``DELETE /playlists/{id}/items``
100.
Both are all-or-nothing: a batch Spotify refuses because one of its items is gone (404,
or 400 for an unknown URI) changed nothing, so it is split in halves until the items
Spotify refuses are alone; those are reported as unavailable and the rest written.
Every call goes through the user's client: the app-wide request budget, token refresh
and 429 handling apply.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from graphql_api.restore.sections import Item
from graphql_api.spotify.client import SpotifyClient
from graphql_api.spotify.errors import SpotifyApiError, SpotifyNotFound

LIBRARY_BATCH = 40
PLAYLIST_BATCH = 100

# Told of each batch Spotify confirmed: (items written, items Spotify does not have).
Confirmed = Callable[[Sequence[Item], Sequence[Item]], Awaitable[None]]


def is_gone(error: Exception) -> bool:
    """Spotify refused a write because (some of) what it names does not exist."""
    return isinstance(error, SpotifyNotFound) or (
        isinstance(error, SpotifyApiError) and error.status == 400
    )


def batches(items: Sequence[Item], size: int) -> list[Sequence[Item]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


Send = Callable[[Sequence[Item]], Awaitable[object]]


async def _split_on_gone(send: Send, batch: Sequence[Item], confirmed: Confirmed) -> None:
    """``send(batch)``; when Spotify refuses it as naming something gone, the halves, down
    to the single items it refuses (reported as gone)."""
    try:
        await send(batch)
    except (SpotifyNotFound, SpotifyApiError) as error:
        if not is_gone(error):
            raise
        if len(batch) == 1:
            await confirmed([], batch)
            return
        half = len(batch) // 2
        await _split_on_gone(send, batch[:half], confirmed)
        await _split_on_gone(send, batch[half:], confirmed)
        return
    await confirmed(batch, [])


async def change_library(
    client: SpotifyClient, method: str, items: Sequence[Item], confirmed: Confirmed
) -> None:
    """Save (``PUT``) or remove (``DELETE``) ``items`` in batches of 40."""

    async def send(batch: Sequence[Item]) -> object:
        uris = ",".join(i.uri for i in batch)
        return await client.request(method, "me/library", params={"uris": uris})

    for batch in batches(items, LIBRARY_BATCH):
        await _split_on_gone(send, batch, confirmed)


async def add_to_playlist(
    client: SpotifyClient, playlist_id: str, batch: Sequence[Item], confirmed: Confirmed
) -> None:
    """Append ``batch`` (at most 100) to a playlist; split when Spotify refuses an item.

    ``POST`` is not idempotent: the caller records each confirmed batch before the next.
    """

    async def send(part: Sequence[Item]) -> object:
        uris = [i.uri for i in part]
        return await client.post(f"playlists/{playlist_id}/items", json={"uris": uris})

    await _split_on_gone(send, batch, confirmed)


async def remove_from_playlist(
    client: SpotifyClient, playlist_id: str, uris: Sequence[str]
) -> None:
    """Remove every occurrence of each of ``uris`` from a playlist, 100 a call."""
    for start in range(0, len(uris), PLAYLIST_BATCH):
        chunk = uris[start : start + PLAYLIST_BATCH]
        await client.delete(
            f"playlists/{playlist_id}/items", json={"items": [{"uri": u} for u in chunk]}
        )
