"""One window of items of many playlist versions at once (a page of playlists with items)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import PlaylistItem
from graphql_api.kit.pagination import Window
from graphql_api.library.browse import Page, playlist_items

# (playlist version id, the window asked for)
PlaylistItemsKey = tuple[int, Window]


async def load_playlist_items(
    sessionmaker: async_sessionmaker[AsyncSession], keys: Sequence[PlaylistItemsKey]
) -> list[Page[PlaylistItem]]:
    """For each key, that window of the version's items, in key order.

    Keys asking for the same window (the usual case: one query asks every playlist for
    ``items(first: N)``) are read together.
    """
    found: dict[PlaylistItemsKey, Page[PlaylistItem]] = {}
    async with sessionmaker() as session:
        for window in sorted({w for _, w in keys}, key=lambda w: (w.offset, w.limit)):
            versions = [v for v, w in keys if w == window]
            for version_id, page in (await playlist_items(session, versions, window)).items():
                found[(version_id, window)] = page
    return [found[key] for key in keys]
