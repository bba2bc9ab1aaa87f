"""What a snapshot holds, as the restore needs it: Spotify URIs and names, per section.

Entries without a Spotify URI (local files, items Spotify had already removed, entries
made from names only) cannot be put back: they are listed as unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
    SpotifyPlaylist,
)
from graphql_api.library.memberships import visible_at
from graphql_api.restore.sections import Item, Section

PLAYABLE = ("spotify:track:", "spotify:episode:")


@dataclass(frozen=True, slots=True)
class StoredPlaylist:
    """A playlist of the snapshot's list, as that snapshot saw it."""

    source_id: int  # spotify_playlists.id
    spotify_id: str
    owner_spotify_id: str | None
    version_id: int
    snapshot_id: str
    name: str
    description: str | None
    public: bool | None
    collaborative: bool

    @property
    def uri(self) -> str:
        return f"spotify:playlist:{self.spotify_id}"


@dataclass
class StoredLibrary:
    """The snapshot's sections: restorable items in the order to write them (oldest saved
    first, so that the newest ends on top as Spotify lists them), and the others."""

    items: dict[Section, list[Item]] = field(default_factory=dict)
    playlists: list[StoredPlaylist] = field(default_factory=list)
    unavailable: dict[Section, list[Item]] = field(default_factory=dict)


def _split(rows: list[tuple[str | None, str]], prefix: str) -> tuple[list[Item], list[Item]]:
    usable, missing = [], []
    for uri, name in rows:
        if uri and uri.startswith(prefix):
            usable.append(Item(uri, name))
        else:
            missing.append(Item(uri or "", name))
    return usable, missing


_KINDS = {Section.TRACKS: "track", Section.ALBUMS: "album", Section.ARTISTS: "artist"}


async def _section_rows(
    session: AsyncSession, section: Section, user_id: int, version: int
) -> list[tuple[str | None, str]]:
    """(URI, name) of a section's entries at ``version``, oldest saved first."""
    if section is Section.TRACKS:
        statement = (
            select(Song.spotify_uri, Song.name)
            .join(SavedTrack, SavedTrack.song_id == Song.id)
            .where(visible_at(SavedTrack, user_id, version))
            .order_by(SavedTrack.added_at.asc().nulls_first(), Song.id)
        )
        return [(uri, str(name)) for uri, name in await session.execute(statement)]
    membership, key, catalog, order = (
        (SavedAlbum, SavedAlbum.album_id, Album, SavedAlbum.added_at.asc().nulls_first())
        if section is Section.ALBUMS
        else (FollowedArtist, FollowedArtist.artist_id, Artist, FollowedArtist.position)
    )
    statement = (
        select(catalog.spotify_id, catalog.name)
        .join(membership, key == catalog.id)
        .where(visible_at(membership, user_id, version))
        .order_by(order, catalog.id)
    )
    kind = _KINDS[section]
    return [
        (f"spotify:{kind}:{spotify_id}" if spotify_id else None, str(name))
        for spotify_id, name in await session.execute(statement)
    ]


async def read_snapshot(
    session: AsyncSession, snapshot: LibrarySnapshot, sections: list[Section]
) -> StoredLibrary:
    """The parts of ``snapshot`` named by ``sections``."""
    user_id, version = snapshot.user_id, snapshot.version
    stored = StoredLibrary()
    for section in (Section.TRACKS, Section.ALBUMS, Section.ARTISTS):
        if section in sections:
            found = await _section_rows(session, section, user_id, version)
            prefix = f"spotify:{_KINDS[section]}:"
            stored.items[section], stored.unavailable[section] = _split(found, prefix)
    if Section.PLAYLISTS in sections:
        stored.playlists = await _playlists(session, user_id, version)
        stored.unavailable[Section.PLAYLISTS] = []
    return stored


async def _playlists(session: AsyncSession, user_id: int, version: int) -> list[StoredPlaylist]:
    # Bottom of the list first: each playlist Spotify gets goes on top of the list.
    rows = await session.execute(
        select(SpotifyPlaylist, PlaylistVersion)
        .join(PlaylistVersion, PlaylistVersion.playlist_id == SpotifyPlaylist.id)
        .join(LibraryPlaylist, LibraryPlaylist.version_id == PlaylistVersion.id)
        .where(visible_at(LibraryPlaylist, user_id, version))
        .order_by(LibraryPlaylist.position.desc(), PlaylistVersion.id)
    )
    return [
        StoredPlaylist(
            source_id=playlist.id,
            spotify_id=playlist.spotify_id,
            owner_spotify_id=playlist.owner_spotify_id,
            version_id=version_row.id,
            snapshot_id=version_row.spotify_snapshot_id,
            name=version_row.name,
            description=version_row.description,
            public=version_row.public,
            collaborative=bool(version_row.collaborative),
        )
        for playlist, version_row in rows
    ]


def playable(item: Item) -> bool:
    """Whether Spotify can add ``item`` to a playlist (not a local file, not removed)."""
    return item.uri.startswith(PLAYABLE)


async def playlist_items(session: AsyncSession, version_id: int) -> list[Item]:
    """A stored playlist version's items in order (``uri`` empty for removed content;
    see :func:`playable`)."""
    rows = await session.execute(
        select(PlaylistItem.position, Song.spotify_uri, Song.name)
        .outerjoin(Song, Song.id == PlaylistItem.song_id)
        .where(PlaylistItem.version_id == version_id)
        .order_by(PlaylistItem.position)
    )
    return [Item(uri or "", str(name or "")) for _, uri, name in rows]
