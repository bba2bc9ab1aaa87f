"""The songs the poller sees, added to the shared catalog when new.

Through the library's bulk writer, so both write the catalog the same way: the same
columns, and rows locked in the same order (artists, albums, songs, each sorted by key),
which keeps a poll and a running snapshot from deadlocking on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Song
from graphql_api.library.catalog import write_catalog
from graphql_api.library.ingest import CatalogBatch


async def ensure_song(session: AsyncSession, item: dict[str, Any]) -> int:
    """The id of the song for a Spotify track/episode object, adding it when new.

    A known song is only read: polls are frequent, and on SQLite every write holds the
    database's single write lock (a snapshot keeps the catalog's details up to date).
    """
    batch = CatalogBatch()
    uri = batch.add_song(item)
    if uri is None:
        raise ValueError("a playable item without a uri")
    known = await session.scalar(select(Song.id).where(Song.spotify_uri == uri))
    if known is not None:
        return int(known)
    ids = await write_catalog(session, batch)
    return ids.songs[uri]
