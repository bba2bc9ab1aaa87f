"""Playlists and the catalog's own songs: members see the private songs a playlist holds,
and deleting a song playlists use is a CONFLICT unless removed everywhere, which keeps
each playlist's totals and moves its version on."""

from __future__ import annotations

from tests.playlists.conftest import INVITE, ITEMS, Person, add, create, error_code

CREATE_SONG = """mutation($name: String!) {
  createSong(input: {name: $name, durationMs: 7000}) { id }
}"""
SONG = "query($id: ID!) { node(id: $id) { ... on Song { name } } }"
DELETE_SONG = """mutation($id: ID!, $everywhere: Boolean!) {
  deleteSong(id: $id, removeEverywhere: $everywhere)
}"""


async def _own_song_in_a_shared_playlist(owner: Person, editor: Person) -> tuple[str, str]:
    playlist = (await create(owner))["id"]
    await owner.client.query(INVITE, {"playlist": playlist, "user": editor.id, "role": "EDITOR"})
    song = (await editor.client.query(CREATE_SONG, {"name": "Demo tape"}))["createSong"]["id"]
    await add(editor, playlist, [song], 1)
    return playlist, song


async def test_members_see_a_private_song_their_playlist_holds_and_others_do_not(
    owner: Person, editor: Person, stranger: Person
) -> None:
    playlist, song = await _own_song_in_a_shared_playlist(owner, editor)
    assert (await owner.client.query(SONG, {"id": song}))["node"] == {"name": "Demo tape"}
    assert (await stranger.client.query(SONG, {"id": song}))["node"] is None
    items = (await owner.client.query(ITEMS, {"id": playlist}))["node"]["items"]
    assert items["edges"][0]["node"]["song"] == {"name": "Demo tape"}


async def test_deleting_a_song_in_a_playlist_conflicts_unless_removed_everywhere(
    owner: Person, editor: Person, songs: list[str]
) -> None:
    playlist, song = await _own_song_in_a_shared_playlist(owner, editor)
    await add(owner, playlist, songs[:1], 2)
    body = await editor.client.execute(DELETE_SONG, {"id": song, "everywhere": False})
    assert error_code(body) == "CONFLICT"
    assert body["errors"][0]["extensions"]["uses"] == 1
    await editor.client.query(DELETE_SONG, {"id": song, "everywhere": True})
    node = (await owner.client.query(ITEMS, {"id": playlist}))["node"]
    assert (node["version"], node["itemCount"], node["totalDurationMs"]) == (4, 1, 1000)
    assert [e["node"]["song"]["name"] for e in node["items"]["edges"]] == ["Song 0"]
