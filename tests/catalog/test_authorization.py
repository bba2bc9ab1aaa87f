"""Who may change what: Spotify mirrors are read-only, others' entries are FORBIDDEN or
NOT_FOUND, references to what the viewer may not see are NOT_FOUND, and deleting a song
that playlists use is a CONFLICT unless removed everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import ColumnElement, false
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import GlobalID

from graphql_api.catalog import usage
from graphql_api.settings import Settings
from tests.auth.conftest import error_code
from tests.catalog.conftest import ingest, spotify_track
from tests.catalog.test_own_entries import CREATE_ARTIST, CREATE_SONG, SET_CREDITS, _create
from tests.support.graphql_client import GraphQLClient

MIRRORS = "query { songs { nodes { id } } albums { nodes { id } } artists { nodes { id } } }"


async def test_spotify_mirrors_are_read_only(settings: Settings, ada: GraphQLClient) -> None:
    await ingest(settings, [spotify_track(1, album=1, artists=[1], duration=1, year=2000)])
    data = await ada.query(MIRRORS)
    song = data["songs"]["nodes"][0]["id"]
    album = data["albums"]["nodes"][0]["id"]
    artist = data["artists"]["nodes"][0]["id"]
    writes: list[tuple[str, dict[str, Any]]] = [
        ('mutation($id: ID!) { updateSong(id: $id, input: {name: "x"}) { id } }', {"id": song}),
        ("mutation($id: ID!) { deleteSong(id: $id) }", {"id": song}),
        ('mutation($id: ID!) { updateAlbum(id: $id, input: {name: "x"}) { id } }', {"id": album}),
        ("mutation($id: ID!) { deleteArtist(id: $id) }", {"id": artist}),
        (SET_CREDITS, {"song": song, "credits": []}),
        (
            "mutation($a: ID!, $s: ID!) { addAlbumTrack(albumId: $a, "
            "track: {songId: $s, trackNumber: 99}) { id } }",
            {"a": album, "s": song},
        ),
    ]
    for query, variables in writes:
        assert error_code(await ada.execute(query, variables)) == "FORBIDDEN", query


async def test_references_to_entries_the_viewer_cannot_see_are_not_found(
    ada: GraphQLClient, bob: GraphQLClient
) -> None:
    secret = await _create(bob, CREATE_ARTIST, name="Bob's secret band")
    song = await _create(ada, CREATE_SONG, name="Mine", durationMs=1)
    credits = [{"artistId": secret, "role": "PERFORMER"}]
    assert error_code(await ada.execute(SET_CREDITS, {"song": song, "credits": credits})) == (
        "NOT_FOUND"
    )
    unknown = "U29uZzo5OTk5OTk="  # Song:999999
    assert error_code(await ada.execute(SET_CREDITS, {"song": unknown, "credits": []})) == (
        "NOT_FOUND"
    )
    wrong_type = "QWxidW06MQ=="  # Album:1
    assert error_code(await ada.execute(SET_CREDITS, {"song": wrong_type, "credits": []})) == (
        "BAD_USER_INPUT"
    )


class FakePlaylists:
    """A stand-in for the playlists domain: holds some songs, twice each."""

    def __init__(self) -> None:
        self.held: list[int] = []

    def shared_with(self, song_id: Any, viewer: int) -> ColumnElement[bool]:
        return false()

    async def count(self, session: AsyncSession, song_ids: list[int]) -> int:
        return sum(self.held.count(i) for i in song_ids)

    async def remove(self, session: AsyncSession, song_ids: list[int]) -> None:
        self.held = [i for i in self.held if i not in song_ids]


async def test_deleting_a_song_playlists_use_is_a_conflict_unless_removed_everywhere(
    ada: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakePlaylists()
    monkeypatch.setattr(
        usage, "_USAGES", [usage.SongUsage("fake", fake.shared_with, fake.count, fake.remove)]
    )
    song = await _create(ada, CREATE_SONG, name="Used", durationMs=1)
    data = await ada.query("query($id: ID!) { node(id: $id) { id } }", {"id": song})
    assert data["node"]["id"] == song
    fake.held = [int(GlobalID.from_id(song).node_id)] * 2
    delete = "mutation($id: ID!, $all: Boolean!) { deleteSong(id: $id, removeEverywhere: $all) }"
    body = await ada.execute(delete, {"id": song, "all": False})
    assert error_code(body) == "CONFLICT"
    assert body["errors"][0]["extensions"]["uses"] == 2
    assert (await ada.query(delete, {"id": song, "all": True}))["deleteSong"] == song
    assert fake.held == []
