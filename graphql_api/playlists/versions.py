"""Optimistic concurrency: every write names the version it was based on.

A write starts by moving the playlist from that version to the next with one conditional
UPDATE (``... SET version = version + 1 WHERE id = ? AND version = ?``). Of two writes
based on the same version, in any processes, exactly one matches: on PostgreSQL the
second waits for the first's row lock and then finds the version changed; on SQLite the
writers take turns (``BEGIN IMMEDIATE``). The loser changes nothing and answers
CONFLICT with the current version, so its client can reload and try again.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import Playlist
from graphql_api.errors import Conflict


def stale(current: int | None, expected: int) -> Conflict:
    return Conflict(
        f"The playlist changed: it is at version {current}, not {expected}. "
        "Reload it and try again.",
        currentVersion=current,
        expectedVersion=expected,
    )


async def advance(session: AsyncSession, playlist_id: int, expected: int) -> int:
    """Move the playlist from version ``expected`` to the next one; CONFLICT if it is not
    at ``expected`` any more. Returns the new version. Holds the row until the commit."""
    result = await session.execute(
        update(Playlist)
        .where(Playlist.id == playlist_id, Playlist.version == expected)
        .values(version=Playlist.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        current = await session.scalar(select(Playlist.version).where(Playlist.id == playlist_id))
        raise stale(current, expected)
    return expected + 1


async def add_totals(session: AsyncSession, playlist_id: int, items: int, duration_ms: int) -> None:
    """Keep the playlist's item count and total duration, in the write's transaction."""
    if items == 0 and duration_ms == 0:
        return
    await session.execute(
        update(Playlist)
        .where(Playlist.id == playlist_id)
        .values(
            item_count=Playlist.item_count + items,
            total_duration_ms=Playlist.total_duration_ms + duration_ms,
        )
        .execution_options(synchronize_session=False)
    )


async def fresh(session: AsyncSession, playlist_id: int) -> Playlist:
    """The playlist row as this transaction now sees it (after core UPDATEs)."""
    statement = (
        select(Playlist).where(Playlist.id == playlist_id).execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one()
