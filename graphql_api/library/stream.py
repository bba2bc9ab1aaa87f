"""Pages written as they arrive: the snapshot job's memory does not grow with the library.

Each collection's pages go into a :class:`PageSink`, which keeps at most
``BATCH_ITEMS`` items (plus the page that tipped it over) and then writes them: their
catalog rows in a transaction of their own (the catalog is shared and every upsert is
idempotent, so a batch written by a job that later fails does no harm). What the sink
keeps for the version's memberships is one small entry per item (a database id and an
``added_at`` or a position), not Spotify's JSON.

Bounds (what the test of the job checks): a fetching task holds its slot while its
page is handed on, so a collection has at most ``concurrency`` pages in flight and one
sink buffer; playlists are read at most ``concurrency`` at a time, each with its own
sink. So the items held at once are at most ``items_bound(concurrency)``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.uow import UnitOfWork
from graphql_api.library.catalog import CatalogIds, write_catalog
from graphql_api.library.ingest import CatalogBatch, Json, parse_time

BATCH_ITEMS = 500
PAGE_SIZE = 50
# The lists read at once besides playlists' items: saved tracks, saved albums, playlists,
# followed artists.
LISTS = 4

InTransaction = Callable[[Callable[[UnitOfWork], Awaitable[Any]]], Awaitable[Any]]
Write = Callable[[AsyncSession, list[tuple[int, Any]]], Awaitable[None]]


def items_bound(concurrency: int) -> int:
    """The most Spotify items the job holds at once (pages in flight and sink buffers)."""
    sinks = LISTS + concurrency
    return sinks * (BATCH_ITEMS + PAGE_SIZE) + concurrency * PAGE_SIZE


class PageSink:
    """Buffers ``(offset, items)`` pages and hands batches of them to ``write`` in a
    transaction, one writer at a time (``lock``: SQLite has one writer)."""

    def __init__(self, in_transaction: InTransaction, lock: asyncio.Lock, write: Write) -> None:
        self.in_transaction = in_transaction
        self.lock = lock
        self.write = write
        self.buffer: list[tuple[int, Any]] = []
        self.count = 0

    async def __call__(self, offset: int, items: list[Any]) -> None:
        self.buffer.extend((offset + n, item) for n, item in enumerate(items))
        self.count += len(items)
        if len(self.buffer) >= BATCH_ITEMS:
            await self.flush()

    async def flush(self) -> None:
        if not self.buffer:
            return
        batch, self.buffer = self.buffer, []
        async with self.lock:
            await self.in_transaction(lambda uow: self.write(uow.session, batch))


def _dict(value: object) -> Json:
    return value if isinstance(value, dict) else {}


class Collected:
    """What the version's memberships need, by database id: compact, not Spotify's JSON."""

    def __init__(self) -> None:
        self.tracks: dict[int, dt.datetime | None] = {}
        self.albums: dict[int, dt.datetime | None] = {}
        self.artists: dict[int, int] = {}

    async def saved_tracks(self, session: AsyncSession, batch: list[tuple[int, Any]]) -> None:
        catalog = CatalogBatch()
        uris = [catalog.add_song(_dict(saved).get("track")) for _, saved in batch]
        ids = await write_catalog(session, catalog)
        for (_, saved), uri in zip(batch, uris, strict=True):
            if uri in ids.songs:
                self.tracks[ids.songs[uri]] = parse_time(_dict(saved).get("added_at"))

    async def saved_albums(self, session: AsyncSession, batch: list[tuple[int, Any]]) -> None:
        catalog = CatalogBatch()
        keys = [catalog.add_album(_dict(saved).get("album"), full=True) for _, saved in batch]
        ids = await write_catalog(session, catalog)
        for (_, saved), key in zip(batch, keys, strict=True):
            if key in ids.albums:
                self.albums[ids.albums[key]] = parse_time(_dict(saved).get("added_at"))

    async def followed_artists(self, session: AsyncSession, batch: list[tuple[int, Any]]) -> None:
        catalog = CatalogBatch()
        keys = [(offset, catalog.add_full_artist(_dict(a) or None)) for offset, a in batch]
        ids: CatalogIds = await write_catalog(session, catalog)
        for offset, key in keys:
            if key in ids.artists:
                self.artists[ids.artists[key]] = offset
