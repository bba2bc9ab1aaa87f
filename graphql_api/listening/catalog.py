"""The songs the poller sees, written to the shared catalog.

Through the library's bulk writer, so both write the catalog the same way: the same
columns, and rows locked in the same order (artists, albums, songs, each sorted by key),
which keeps a poll and a running snapshot from deadlocking on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.library.catalog import write_catalog
from graphql_api.library.ingest import CatalogBatch


async def ensure_song(session: AsyncSession, item: dict[str, Any]) -> int:
    """The id of the song for a Spotify track/episode object, adding or updating it."""
    batch = CatalogBatch()
    uri = batch.add_song(item)
    if uri is None:
        raise ValueError("a playable item without a uri")
    ids = await write_catalog(session, batch)
    return ids.songs[uri]
