"""Versioned membership writes: what a user's library holds, as intervals over versions.

Snapshot *N* of a user closes the rows that left the library (``until_version = N``)
and inserts the rows that joined it (``first_version = N``); rows that did not change
are not touched. Before writing version *N*, whatever an interrupted attempt at *N*
left behind is undone, so running the same version twice gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, delete, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from graphql_api.db.models import FollowedArtist, LibraryPlaylist, SavedAlbum, SavedTrack
from graphql_api.library.bulk import chunks, table_of, upsert

MembershipModel = type[SavedTrack] | type[SavedAlbum] | type[FollowedArtist] | type[LibraryPlaylist]
MEMBERSHIPS: tuple[tuple[MembershipModel, str], ...] = (
    (SavedTrack, "song_id"),
    (SavedAlbum, "album_id"),
    (FollowedArtist, "artist_id"),
    (LibraryPlaylist, "version_id"),
)


def visible_at(model: MembershipModel, user_id: int, version: int) -> Any:
    """The SQL condition selecting ``user_id``'s rows of ``model`` as of ``version``."""
    return and_(
        model.user_id == user_id,
        model.first_version <= version,
        or_(model.until_version.is_(None), model.until_version > version),
    )


async def undo_version(session: AsyncSession, user_id: int, version: int) -> None:
    """Remove every trace of an earlier, interrupted attempt at writing ``version``."""
    for model, _key in MEMBERSHIPS:
        await session.execute(
            delete(model).where(model.user_id == user_id, model.first_version == version)
        )
        await session.execute(
            update(model)
            .where(model.user_id == user_id, model.until_version == version)
            .values(until_version=null())
        )


async def write_memberships(
    session: AsyncSession,
    model: MembershipModel,
    key: str,
    user_id: int,
    version: int,
    present: Mapping[int, object],
    *,
    column: str,
    compare: bool = False,
) -> int:
    """Make ``user_id``'s open rows of ``model`` equal ``present`` as of ``version``.

    ``present`` maps each key (a song, album, artist or playlist-version id) to the value
    of the row's one other column, ``column``. With ``compare``, a change of that value
    means the item left and came back (a track saved again has a new ``added_at``).
    Rows are built and written a chunk at a time. Returns rows written.
    """
    key_column: InstrumentedAttribute[int] = getattr(model, key)
    columns = [key_column] + ([getattr(model, column)] if compare else [])
    result = await session.execute(
        select(*columns).where(model.user_id == user_id, model.until_version.is_(None))
    )
    current: dict[int, object] = {row[0]: (row[1] if compare else None) for row in result}
    gone = [k for k in current if k not in present]
    changed = [k for k in current if k in present and compare and not _same(current[k], present[k])]
    closing = gone + changed
    for chunk in chunks(closing):
        await session.execute(
            update(model)
            .where(model.user_id == user_id, model.until_version.is_(None), key_column.in_(chunk))
            .values(until_version=version)
        )
    reopened = set(changed)
    joining = sorted(k for k in present if k not in current or k in reopened)
    written = 0
    for chunk in chunks(joining, 4):
        rows = [
            {"user_id": user_id, "first_version": version, key: k, column: present[k]}
            for k in chunk
        ]
        written += await upsert(
            session, table_of(model), rows, keys=["user_id", "first_version", key]
        )
    return written + len(closing)


def _same(stored: object, fresh: object) -> bool:
    if isinstance(stored, dt.datetime) and isinstance(fresh, dt.datetime):
        return stored == fresh
    return stored == fresh
