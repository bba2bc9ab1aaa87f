"""Add, remove and move a playlist's entries, each write at a version (``versions.py``).

Entries are ordered by fractional keys (``ordering.py``): an insert writes the new rows,
a move rewrites the moved rows only, a removal deletes. Every write checks the whole
request before it changes anything, so a refused request leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog.visibility import visible
from graphql_api.db.models import PlaylistEntry, PlaylistRole, Song
from graphql_api.db.uow import UnitOfWork
from graphql_api.errors import BadUserInput, NotFound
from graphql_api.events import PubSub
from graphql_api.playlists import ordering, versions
from graphql_api.playlists.access import access
from graphql_api.playlists.events import ChangeKind, publish_after_commit

# The most ids one call may add, remove or move.
MAX_ITEMS_PER_CALL = 1000


def check_count(ids: Sequence[int], argument: str) -> None:
    """BAD_USER_INPUT for an empty list or one longer than :data:`MAX_ITEMS_PER_CALL`."""
    if not ids:
        raise BadUserInput(f"`{argument}` must name at least one item.", argument=argument)
    if len(ids) > MAX_ITEMS_PER_CALL:
        raise BadUserInput(
            f"`{argument}` names {len(ids):,} items; at most {MAX_ITEMS_PER_CALL:,} per call.",
            argument=argument,
        )


def check_position(value: int, last: int, argument: str) -> int:
    """``value`` when it is a position from 0 to ``last``; BAD_USER_INPUT otherwise."""
    if not 0 <= value <= last:
        raise BadUserInput(
            f"`{argument}` is {value}; the playlist has positions 0 to {last} for it.",
            argument=argument,
        )
    return value


async def _keys_at(
    session: AsyncSession, playlist_id: int, index: int, count: int, excluding: Sequence[int]
) -> list[str]:
    """``count`` keys for entries put at ``index`` among the playlist's other entries."""
    ordered = select(PlaylistEntry.position_key).where(PlaylistEntry.playlist_id == playlist_id)
    if excluding:
        ordered = ordered.where(PlaylistEntry.id.not_in(excluding))
    ordered = ordered.order_by(PlaylistEntry.position_key, PlaylistEntry.id)
    if index == 0:
        found = list(await session.scalars(ordered.limit(1)))
        before, after = None, (found[0] if found else None)
    else:
        found = list(await session.scalars(ordered.offset(index - 1).limit(2)))
        before, after = found[0], (found[1] if len(found) > 1 else None)
    if before is not None and after is not None and before >= after:
        return []  # two entries share a key: renumber first
    keys = ordering.keys_between(before, after, count)
    return [] if ordering.too_long(keys) else keys


async def _renumber(session: AsyncSession, playlist_id: int) -> None:
    """Give every entry of the playlist a fresh, short key, in the same order."""
    ids = list(
        await session.scalars(
            select(PlaylistEntry.id)
            .where(PlaylistEntry.playlist_id == playlist_id)
            .order_by(PlaylistEntry.position_key, PlaylistEntry.id)
        )
    )
    if ids:
        await session.execute(
            update(PlaylistEntry),
            [
                {"id": entry_id, "position_key": key}
                for entry_id, key in zip(ids, ordering.evenly(len(ids)), strict=True)
            ],
        )


async def keys_at(
    session: AsyncSession, playlist_id: int, index: int, count: int, excluding: Sequence[int] = ()
) -> list[str]:
    """Keys for ``count`` entries put at ``index``, renumbering the playlist when the gap
    has no room left (rare: only after many inserts into the same gap)."""
    keys = await _keys_at(session, playlist_id, index, count, excluding)
    if not keys:
        await _renumber(session, playlist_id)
        keys = await _keys_at(session, playlist_id, index, count, excluding)
    return keys


async def _songs(session: AsyncSession, viewer_id: int, song_ids: Sequence[int]) -> dict[int, int]:
    """Duration of each song asked for; NOT_FOUND naming the ids that are no song the
    viewer may see (``catalog/visibility.py``)."""
    durations = {
        int(song_id): int(duration)
        for song_id, duration in await session.execute(
            select(Song.id, Song.duration_ms).where(
                Song.id.in_(set(song_ids)), visible(Song, viewer_id)
            )
        )
    }
    missing = sorted(set(song_ids) - set(durations))
    if missing:
        raise NotFound(f"No such song: {missing[:10]}.", argument="songIds")
    return durations


async def add_items(
    uow: UnitOfWork,
    pubsub: PubSub,
    viewer_id: int,
    playlist_id: int,
    song_ids: Sequence[int],
    *,
    at: int | None,
    expected_version: int,
) -> list[PlaylistEntry]:
    """Put songs into the playlist at position ``at`` (default: the end), in the order
    given; a song may be added more than once. Editors and the owner only."""
    check_count(song_ids, "songIds")
    session = uow.session
    (await access(session, playlist_id, viewer_id)).require(PlaylistRole.EDITOR, "add items")
    durations = await _songs(session, viewer_id, song_ids)
    version = await versions.advance(session, playlist_id, expected_version)
    count = (await versions.fresh(session, playlist_id)).item_count
    index = count if at is None else check_position(at, count, "at")
    keys = await keys_at(session, playlist_id, index, len(song_ids))
    entries = [
        PlaylistEntry(
            playlist_id=playlist_id, song_id=song_id, position_key=key, added_by=viewer_id
        )
        for song_id, key in zip(song_ids, keys, strict=True)
    ]
    session.add_all(entries)
    await session.flush()
    await versions.add_totals(
        session, playlist_id, len(entries), sum(durations[s] for s in song_ids)
    )
    publish_after_commit(
        uow,
        pubsub,
        playlist_id,
        version,
        ChangeKind.ITEMS_ADDED,
        item_ids=[e.id for e in entries],
        actor_id=viewer_id,
    )
    return entries


async def _playlist_of_items(session: AsyncSession, item_ids: Sequence[int]) -> int:
    """The one playlist all ``item_ids`` belong to; NOT_FOUND for unknown ids."""
    owners = {
        int(entry_id): int(playlist_id)
        for entry_id, playlist_id in await session.execute(
            select(PlaylistEntry.id, PlaylistEntry.playlist_id).where(
                PlaylistEntry.id.in_(set(item_ids))
            )
        )
    }
    if len(owners) != len(set(item_ids)):
        raise NotFound("No such playlist item.", argument="itemIds")
    playlists = set(owners.values())
    if len(playlists) != 1:
        raise BadUserInput("All items must be in the same playlist.", argument="itemIds")
    return playlists.pop()


def _distinct(item_ids: Sequence[int]) -> None:
    if len(set(item_ids)) != len(item_ids):
        raise BadUserInput("`itemIds` names an item more than once.", argument="itemIds")


async def remove_items(
    uow: UnitOfWork,
    pubsub: PubSub,
    viewer_id: int,
    item_ids: Sequence[int],
    *,
    expected_version: int,
) -> int:
    """Take entries out of their playlist; returns the playlist's id. Editors only."""
    check_count(item_ids, "itemIds")
    _distinct(item_ids)
    session = uow.session
    playlist_id = await _playlist_of_items(session, item_ids)
    (await access(session, playlist_id, viewer_id)).require(PlaylistRole.EDITOR, "remove items")
    version = await versions.advance(session, playlist_id, expected_version)
    duration = await session.scalar(
        select(func.coalesce(func.sum(Song.duration_ms), 0))
        .select_from(PlaylistEntry)
        .join(Song, Song.id == PlaylistEntry.song_id)
        .where(PlaylistEntry.id.in_(item_ids))
    )
    await session.execute(
        delete(PlaylistEntry)
        .where(PlaylistEntry.id.in_(item_ids))
        .execution_options(synchronize_session=False)
    )
    await versions.add_totals(session, playlist_id, -len(item_ids), -int(duration or 0))
    publish_after_commit(
        uow,
        pubsub,
        playlist_id,
        version,
        ChangeKind.ITEMS_REMOVED,
        item_ids=item_ids,
        actor_id=viewer_id,
    )
    return playlist_id


async def move_items(
    uow: UnitOfWork,
    pubsub: PubSub,
    viewer_id: int,
    item_ids: Sequence[int],
    *,
    to: int,
    expected_version: int,
) -> int:
    """Move entries, in the order given, to position ``to`` of the playlist as it is
    without them (0: the start; the number of other entries: the end). Rewrites the
    moved rows only. Returns the playlist's id. Editors only."""
    check_count(item_ids, "itemIds")
    _distinct(item_ids)
    session = uow.session
    playlist_id = await _playlist_of_items(session, item_ids)
    (await access(session, playlist_id, viewer_id)).require(PlaylistRole.EDITOR, "move items")
    version = await versions.advance(session, playlist_id, expected_version)
    others = (await versions.fresh(session, playlist_id)).item_count - len(item_ids)
    check_position(to, others, "to")
    keys = await keys_at(session, playlist_id, to, len(item_ids), excluding=item_ids)
    await session.execute(
        update(PlaylistEntry),
        [
            {"id": entry_id, "position_key": key}
            for entry_id, key in zip(item_ids, keys, strict=True)
        ],
    )
    publish_after_commit(
        uow,
        pubsub,
        playlist_id,
        version,
        ChangeKind.ITEMS_MOVED,
        item_ids=item_ids,
        actor_id=viewer_id,
    )
    return playlist_id
