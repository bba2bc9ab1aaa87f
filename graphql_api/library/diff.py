"""What changed between two snapshots of one user's library.

Both sides are read as sets of keys visible at each version (so the diff works in
either direction); a playlist present on both sides under different Spotify versions
gets its items compared as multisets of songs (a song may be in a playlist twice).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import (
    FollowedArtist,
    LibraryPlaylist,
    LibrarySnapshot,
    PlaylistItem,
    PlaylistVersion,
    SavedAlbum,
    SavedTrack,
)
from graphql_api.library.memberships import MembershipModel, visible_at


@dataclass(frozen=True)
class Change:
    """Ids that joined and left (songs, albums, artists, or playlist versions)."""

    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class PlaylistChange:
    """A playlist in both snapshots whose items changed; ids are song ids (None: gone)."""

    playlist_id: int
    from_version_id: int
    to_version_id: int
    added: list[int | None]
    removed: list[int | None]


@dataclass(frozen=True)
class LibraryDiff:
    source: LibrarySnapshot
    target: LibrarySnapshot
    tracks: Change
    albums: Change
    artists: Change
    playlists: Change
    playlist_changes: list[PlaylistChange]


async def _keys(
    session: AsyncSession, model: MembershipModel, key: str, snapshot: LibrarySnapshot
) -> set[int]:
    column = getattr(model, key)
    result = await session.scalars(
        select(column).where(visible_at(model, snapshot.user_id, snapshot.version))
    )
    return set(result)


def _change(before: set[int], after: set[int]) -> Change:
    return Change(added=sorted(after - before), removed=sorted(before - after))


async def _playlist_versions(session: AsyncSession, snapshot: LibrarySnapshot) -> dict[int, int]:
    """``{Spotify playlist id: playlist version id}`` as of ``snapshot``."""
    result = await session.execute(
        select(PlaylistVersion.playlist_id, PlaylistVersion.id)
        .join(LibraryPlaylist, LibraryPlaylist.version_id == PlaylistVersion.id)
        .where(visible_at(LibraryPlaylist, snapshot.user_id, snapshot.version))
    )
    return {row[0]: row[1] for row in result}


async def _items(session: AsyncSession, version_ids: set[int]) -> dict[int, Counter[int | None]]:
    items: dict[int, Counter[int | None]] = {v: Counter() for v in version_ids}
    if version_ids:
        result = await session.execute(
            select(PlaylistItem.version_id, PlaylistItem.song_id).where(
                PlaylistItem.version_id.in_(version_ids)
            )
        )
        for version_id, song_id in result:
            items[version_id][song_id] += 1
    return items


async def library_diff(
    session: AsyncSession, source: LibrarySnapshot, target: LibrarySnapshot
) -> LibraryDiff:
    """What was added and removed going from ``source`` to ``target``."""
    changes = []
    for model, key in (
        (SavedTrack, "song_id"),
        (SavedAlbum, "album_id"),
        (FollowedArtist, "artist_id"),
    ):
        changes.append(
            _change(
                await _keys(session, model, key, source), await _keys(session, model, key, target)
            )
        )
    before = await _playlist_versions(session, source)
    after = await _playlist_versions(session, target)
    edited = {
        p: (before[p], after[p]) for p in before.keys() & after.keys() if before[p] != after[p]
    }
    items = await _items(session, {v for pair in edited.values() for v in pair})
    playlist_changes = [
        PlaylistChange(
            playlist_id=playlist_id,
            from_version_id=old,
            to_version_id=new,
            added=sorted((items[new] - items[old]).elements(), key=lambda s: s or 0),
            removed=sorted((items[old] - items[new]).elements(), key=lambda s: s or 0),
        )
        for playlist_id, (old, new) in sorted(edited.items())
    ]
    return LibraryDiff(
        source=source,
        target=target,
        tracks=changes[0],
        albums=changes[1],
        artists=changes[2],
        playlists=Change(
            added=sorted(after[p] for p in after.keys() - before.keys()),
            removed=sorted(before[p] for p in before.keys() - after.keys()),
        ),
        playlist_changes=playlist_changes,
    )
