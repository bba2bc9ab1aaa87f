"""copyToMixtape: a playlist of the viewer's own snapshot becomes an editable playlist;
anyone else's is NOT_FOUND. One owner per playlist, whatever the code does."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from graphql_api.db.models import (
    LibraryPlaylist,
    PlaylistItem,
    PlaylistMember,
    PlaylistRole,
    PlaylistVersion,
    Song,
    SpotifyPlaylist,
)
from graphql_api.resources import Resources
from tests.playlists.conftest import ITEMS, Person, add, create, error_code, gid, names

COPY = """mutation($id: ID!) { copyToMixtape(playlistVersionId: $id) {
  id name version itemCount totalDurationMs viewerRole
} }"""


async def _snapshot_playlist(resources: Resources, user_id: int) -> int:
    """A playlist version in a snapshot of ``user_id``: songs 2, 0, a gone item, 1."""
    async with resources.sessionmaker() as session:
        songs = list(await session.scalars(select(Song).order_by(Song.id).limit(3)))
        identity = SpotifyPlaylist(spotify_id="pl1")
        session.add(identity)
        await session.flush()
        version = PlaylistVersion(
            playlist_id=identity.id, spotify_snapshot_id="s1", name="Road trip", complete=True
        )
        session.add(version)
        await session.flush()
        for position, song in enumerate([songs[2], songs[0], None, songs[1]]):
            session.add(
                PlaylistItem(
                    version_id=version.id,
                    position=position,
                    song_id=song.id if song else None,
                )
            )
        session.add(LibraryPlaylist(user_id=user_id, first_version=1, version_id=version.id))
        await session.commit()
        return version.id


async def test_copy_to_mixtape_makes_an_own_editable_playlist_of_a_snapshots_playlist(
    owner: Person, resources: Resources, songs: list[str]
) -> None:
    version_id = await _snapshot_playlist(resources, owner.user_id)
    copied = (await owner.client.query(COPY, {"id": gid("PlaylistVersion", version_id)}))[
        "copyToMixtape"
    ]
    assert copied["name"] == "Road trip"
    assert (copied["version"], copied["itemCount"], copied["totalDurationMs"]) == (1, 3, 3000)
    assert copied["viewerRole"] == "OWNER"
    assert await names(owner, copied["id"]) == ["Song 2", "Song 0", "Song 1"]
    await add(owner, copied["id"], songs[9:10], 1, at=1)
    assert await names(owner, copied["id"]) == ["Song 2", "Song 9", "Song 0", "Song 1"]


async def test_copy_to_mixtape_of_someone_elses_snapshot_is_not_found(
    owner: Person, stranger: Person, resources: Resources, songs: list[str]
) -> None:
    version_id = await _snapshot_playlist(resources, owner.user_id)
    body = await stranger.client.execute(COPY, {"id": gid("PlaylistVersion", version_id)})
    assert error_code(body) == "NOT_FOUND"
    body = await stranger.client.execute(COPY, {"id": gid("PlaylistVersion", 10**6)})
    assert error_code(body) == "NOT_FOUND"


async def test_items_of_a_private_playlist_are_null_by_id_for_others(
    owner: Person, stranger: Person, songs: list[str]
) -> None:
    playlist = await create(owner)
    item = (await add(owner, playlist["id"], songs[:1], 1))["items"][0]["id"]
    query = "query($id: ID!) { node(id: $id) { ... on PlaylistItem { song { name } } } }"
    assert (await owner.client.query(query, {"id": item}))["node"] == {"song": {"name": "Song 0"}}
    assert (await stranger.client.query(query, {"id": item}))["node"] is None
    assert (await stranger.client.query(ITEMS, {"id": playlist["id"]}))["node"] is None


async def test_the_database_refuses_a_second_owner(
    owner: Person, editor: Person, resources: Resources
) -> None:
    playlist = await create(owner)
    assert playlist["version"] == 1
    playlist_id = await _playlist_id(resources)
    async with resources.sessionmaker() as session:
        session.add(
            PlaylistMember(playlist_id=playlist_id, user_id=editor.user_id, role=PlaylistRole.OWNER)
        )
        with pytest.raises(IntegrityError):
            await session.commit()


async def _playlist_id(resources: Resources) -> int:
    async with resources.sessionmaker() as session:
        found = await session.scalar(select(PlaylistMember.playlist_id))
    assert found is not None
    return found
