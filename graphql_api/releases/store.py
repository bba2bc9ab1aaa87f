"""Writing what the ingest found: albums and artists into the catalog, releases once.

Every write is an upsert keyed by a unique column (Spotify ids, ``releases.album_id``,
``release_artists.artist_id``), rows sorted by key: running the ingest twice, or twice at
the same moment in two workers, writes each release once and never deadlocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import Artist, ReleaseArtist, ReleaseSource
from graphql_api.db.models import Release as ReleaseRow
from graphql_api.library.bulk import table_of, upsert
from graphql_api.library.catalog import CatalogIds, write_catalog
from graphql_api.library.ingest import CatalogBatch

Json = dict[str, Any]


def release_sort(release_date: object) -> str | None:
    """``"2026"`` -> ``"2026-00-00"``, ``"2026-03"`` -> ``"2026-03-00"``; None when unusable."""
    if not isinstance(release_date, str):
        return None
    parts = release_date.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    if len(parts[0]) != 4 or any(len(p) != 2 for p in parts[1:]):
        return None
    return "-".join([*parts, *["00"] * (3 - len(parts))])


async def record_albums(
    session: AsyncSession,
    albums: Sequence[Json],
    source: ReleaseSource,
    *,
    market: str | None = None,
    now: dt.datetime,
) -> tuple[CatalogIds, int]:
    """Upsert ``albums`` (Spotify's simplified albums) with their artists into the catalog
    and record each as a release unless it already is; returns the ids and how many
    releases are new."""
    batch = CatalogBatch(now=now)
    for album in albums:
        batch.add_album(album)
    ids = await write_catalog(session, batch)
    rows = [
        {
            "album_id": ids.albums[album_id],
            "release_sort": sort,
            "source": source,
            "market": market,
            "first_seen_at": now,
        }
        for album_id, row in batch.albums.items()
        if album_id in ids.albums and (sort := release_sort(row["release_date"])) is not None
    ]
    added = await upsert(session, table_of(ReleaseRow), rows, keys=["album_id"])
    return ids, added


async def recorded_at(
    session: AsyncSession, album_ids: Iterable[int], now: dt.datetime
) -> list[int]:
    """The ids of the releases of ``album_ids`` recorded at ``now`` (by this very write:
    a release recorded before, or by another run, has another ``first_seen_at``)."""
    wanted = sorted(set(album_ids))
    if not wanted:
        return []
    rows = await session.scalars(
        select(ReleaseRow.id).where(
            ReleaseRow.album_id.in_(wanted), ReleaseRow.first_seen_at == now
        )
    )
    return list(rows)


async def artists_needing_details(
    session: AsyncSession, artist_ids: Iterable[int], *, older_than: dt.datetime, limit: int
) -> list[tuple[int, str]]:
    """``(id, spotify_id)`` of the artists whose details were never fetched or are older
    than ``older_than``, longest waiting first, at most ``limit``."""
    wanted = sorted(set(artist_ids))
    if not wanted or limit <= 0:
        return []
    fetched = ReleaseArtist.details_fetched_at
    statement = (
        select(Artist.id, Artist.spotify_id)
        .outerjoin(ReleaseArtist, ReleaseArtist.artist_id == Artist.id)
        .where(
            Artist.id.in_(wanted),
            Artist.spotify_id.is_not(None),
            or_(fetched.is_(None), fetched < older_than),
        )
        .order_by(fetched.is_not(None), fetched, Artist.id)
        .limit(limit)
    )
    return [(row.id, str(row.spotify_id)) for row in await session.execute(statement)]


async def record_artist_details(
    session: AsyncSession, artists: Sequence[Json], *, now: dt.datetime
) -> int:
    """Upsert full artists (genres, image, popularity) and note when; returns how many."""
    batch = CatalogBatch(now=now)
    for artist in artists:
        batch.add_full_artist(artist)
    ids = await write_catalog(session, batch)
    await mark_artists(session, ids.artists.values(), details_fetched_at=now)
    return len(ids.artists)


async def mark_artists(
    session: AsyncSession,
    artist_ids: Iterable[int],
    *,
    details_fetched_at: dt.datetime | None = None,
    albums_checked_at: dt.datetime | None = None,
) -> None:
    """Remember what the ingest did for these artists (one timestamp or the other)."""
    column, value = (
        ("details_fetched_at", details_fetched_at)
        if details_fetched_at is not None
        else ("albums_checked_at", albums_checked_at)
    )
    rows = [{"artist_id": artist_id, column: value} for artist_id in sorted(set(artist_ids))]
    await upsert(session, table_of(ReleaseArtist), rows, keys=["artist_id"], update=[column])
