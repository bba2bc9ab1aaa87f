"""What changed between two snapshots of one user's library, read a page at a time.

Each list of a diff is one SQL query paged by the kit (a count and a window), so a
diff of two 10,000-track libraries is read in pages, never whole. Both sides are the
keys visible at each version (``EXCEPT`` of two range queries), so a diff works in
either direction. A playlist present on both sides under different Spotify versions
has its items compared as multisets of songs (a song may be in a playlist twice): the
copies of a song beyond those the other side holds, in playlist order.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import Select, except_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from graphql_api.db.models import (
    Album,
    Artist,
    FollowedArtist,
    LibraryPlaylist,
    LibrarySnapshot,
    PlaylistItem,
    PlaylistVersion,
    SavedAlbum,
    SavedTrack,
    Song,
)
from graphql_api.kit.pagination import Rows, Window, paginate
from graphql_api.library.memberships import visible_at


class Side(enum.Enum):
    """Which way a change goes, from the diff's source to its target."""

    ADDED = "ADDED"
    REMOVED = "REMOVED"


class Section(enum.Enum):
    """A list of the library compared key by key: (membership, its key, the catalog)."""

    TRACKS = (SavedTrack, "song_id", Song)
    ALBUMS = (SavedAlbum, "album_id", Album)
    ARTISTS = (FollowedArtist, "artist_id", Artist)


@dataclass(frozen=True)
class LibraryDiff:
    """Two snapshots of one user, compared from ``source`` to ``target``."""

    source: LibrarySnapshot
    target: LibrarySnapshot

    def ends(self, side: Side) -> tuple[int, int]:
        """(the version the changes are in, the version they are not in)."""
        if side is Side.ADDED:
            return self.target.version, self.source.version
        return self.source.version, self.target.version


@dataclass(frozen=True)
class PlaylistChange:
    """A playlist in both snapshots under two different versions."""

    playlist_id: int
    from_version_id: int
    to_version_id: int


async def changed(
    session: AsyncSession, diff: LibraryDiff, section: Section, side: Side, window: Window
) -> Rows:
    """Songs, albums or artists (per ``section``) that joined or left, by id."""
    model, key, catalog = section.value
    present, absent = diff.ends(side)
    user_id = diff.source.user_id
    column = getattr(model, key)
    keys = except_(
        select(column).where(visible_at(model, user_id, present)),
        select(column).where(visible_at(model, user_id, absent)),
    )
    statement = select(catalog).where(catalog.id.in_(keys)).order_by(catalog.id)
    return (await paginate(session, statement, window)).scalars()


def _playlists_at(user_id: int, version: int) -> Select[int]:
    """Spotify playlist ids in ``user_id``'s list as of ``version``."""
    return (
        select(PlaylistVersion.playlist_id)
        .join(LibraryPlaylist, LibraryPlaylist.version_id == PlaylistVersion.id)
        .where(visible_at(LibraryPlaylist, user_id, version))
    )


async def changed_playlists(
    session: AsyncSession, diff: LibraryDiff, side: Side, window: Window
) -> Rows:
    """Playlists that joined (as in the target) or left (as in the source) the list.

    Rows are :class:`PlaylistVersion` rows, by version id.
    """
    present, absent = diff.ends(side)
    user_id = diff.source.user_id
    playlists = except_(_playlists_at(user_id, present), _playlists_at(user_id, absent))
    statement = (
        select(PlaylistVersion)
        .join(LibraryPlaylist, LibraryPlaylist.version_id == PlaylistVersion.id)
        .where(visible_at(LibraryPlaylist, user_id, present))
        .where(PlaylistVersion.playlist_id.in_(playlists))
        .order_by(PlaylistVersion.id)
    )
    return (await paginate(session, statement, window)).scalars()


async def edited_playlists(session: AsyncSession, diff: LibraryDiff, window: Window) -> Rows:
    """Playlists in both snapshots under different versions, by playlist; rows are changes."""
    user_id = diff.source.user_id
    old, new = aliased(PlaylistVersion), aliased(PlaylistVersion)
    old_in, new_in = aliased(LibraryPlaylist), aliased(LibraryPlaylist)
    statement = (
        select(old.playlist_id, old.id, new.id)
        .join(old_in, old_in.version_id == old.id)
        .join(new, new.playlist_id == old.playlist_id)
        .join(new_in, new_in.version_id == new.id)
        .where(visible_at(old_in, user_id, diff.source.version))
        .where(visible_at(new_in, user_id, diff.target.version))
        .where(old.id != new.id)
        .order_by(old.playlist_id, old.id, new.id)
    )
    found = await paginate(session, statement, window)
    changes = [PlaylistChange(int(p), int(f), int(t)) for p, f, t in found.rows]
    return Rows(changes, found.total)


async def changed_items(
    session: AsyncSession, change: PlaylistChange, side: Side, window: Window
) -> Rows:
    """Items of one side beyond the copies of their song the other side holds.

    Rows are :class:`Song` rows, in the playlist order of the side they are in.
    Items whose content Spotify no longer has (no song) are left out.
    """
    if side is Side.ADDED:
        here, there = change.to_version_id, change.from_version_id
    else:
        here, there = change.from_version_id, change.to_version_id
    numbered = (
        select(
            PlaylistItem.position,
            PlaylistItem.song_id,
            func.row_number()
            .over(partition_by=PlaylistItem.song_id, order_by=PlaylistItem.position)
            .label("copy"),
        )
        .where(PlaylistItem.version_id == here, PlaylistItem.song_id.is_not(None))
        .subquery()
    )
    held = (
        select(PlaylistItem.song_id, func.count().label("copies"))
        .where(PlaylistItem.version_id == there, PlaylistItem.song_id.is_not(None))
        .group_by(PlaylistItem.song_id)
        .subquery()
    )
    statement = (
        select(Song)
        .join(numbered, numbered.c.song_id == Song.id)
        .outerjoin(held, held.c.song_id == numbered.c.song_id)
        .where(numbered.c.copy > func.coalesce(held.c.copies, 0))
        .order_by(numbered.c.position)
    )
    return (await paginate(session, statement, window)).scalars()
