"""The songs the poller sees, added to the shared catalog when new.

Through the library's bulk writer, so both write the catalog the same way: the same
columns, and rows locked in the same order (``CATALOG_TABLE_ORDER``, each table's rows
sorted by key), which keeps a poll and a running snapshot from deadlocking on
PostgreSQL. That holds only if a transaction writes the catalog once: a poll gathers
every song it needs (the current item, counted plays, a recently-played page) into one
batch (:func:`ensure_songs`) before it writes anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Song
from graphql_api.library.bulk import chunks
from graphql_api.library.catalog import write_catalog
from graphql_api.library.ingest import CatalogBatch


async def ensure_songs(session: AsyncSession, items: Sequence[dict[str, Any]]) -> dict[str, int]:
    """``{uri: song id}`` for Spotify track/episode objects, adding the new ones in one write.

    A known song is only read: polls are frequent, and on SQLite every write holds the
    database's single write lock (a snapshot keeps the catalog's details up to date).
    When ``items`` name a uri twice, the later object wins (list the fuller ones last).
    """
    uris = sorted(
        {str(item["uri"]) for item in items if isinstance(item, dict) and item.get("uri")}
    )
    known: dict[str, int] = {}
    for chunk in chunks(uris):
        rows = await session.execute(
            select(Song.spotify_uri, Song.id).where(Song.spotify_uri.in_(chunk))
        )
        known.update({str(uri): int(song_id) for uri, song_id in rows})
    batch = CatalogBatch()
    for item in items:
        if isinstance(item, dict) and item.get("uri") and item["uri"] not in known:
            batch.add_song(item)
    if batch.songs:
        known.update((await write_catalog(session, batch)).songs)
    return known


async def ensure_song(session: AsyncSession, item: dict[str, Any]) -> int:
    """The id of the song for a Spotify track/episode object, adding it when new."""
    uri = item.get("uri") if isinstance(item, dict) else None
    if not isinstance(uri, str) or not uri:
        raise ValueError("a playable item without a uri")
    return (await ensure_songs(session, [item]))[uri]
