"""Saving and browsing a library end to end: GraphQL over HTTP and websockets, the emulator."""

from __future__ import annotations

from typing import Any

from spotify_emulator.testing import EmulatorHandle
from tests.library.expected import expected_of
from tests.support.graphql_client import GraphQLClient

SAVE = "mutation { saveLibrary { id status version } }"
WATCH = """
subscription($id: ID!) { librarySnapshot(id: $id) { status progress { phase done total } } }
"""
LIBRARY = """
query($first: Int, $after: String, $filter: LibraryFilter, $sort: LibrarySort) {
  viewer { library {
    id status savedTracksCount savedAlbumsCount followedArtistsCount playlistsCount
    savedTracks(first: $first, after: $after, filter: $filter, sort: $sort) {
      totalCount totalDurationMs pageInfo { hasNextPage endCursor }
      edges { addedAt node { uri name durationMs artists { nodes { name } } album { name } } }
    }
    savedAlbums(first: 5) { totalCount edges { node { name artists { nodes { name } } } } }
    followedArtists(first: 5) { totalCount edges { node { name genres { nodes { name } } } } }
    playlists(first: 50) { totalCount edges { node {
      uri name itemsReadable unreadableReason items(first: 200) { totalCount }
    } } }
  } }
}
"""


async def save_and_wait(client: GraphQLClient) -> dict[str, Any]:
    """Save the library, follow the subscription until the snapshot ends."""
    async with client.websocket() as ws:
        snapshot = (await client.query(SAVE))["saveLibrary"]
        operation = await ws.subscribe(WATCH, {"id": snapshot["id"]})
        seen = []
        while True:
            payload = await ws.next_payload(operation, timeout=60)
            assert not payload.get("errors"), payload
            state = payload["data"]["librarySnapshot"]
            seen.append(state)
            if state["status"] in ("SUCCEEDED", "FAILED"):
                break
    assert seen[-1]["status"] == "SUCCEEDED", seen
    return dict(snapshot, states=seen)


async def test_save_and_browse(alice: GraphQLClient, library_fixture: dict[str, Any]) -> None:
    expected = expected_of(library_fixture["users"][0])
    await save_and_wait(alice)
    library = (await alice.query(LIBRARY, {"first": 40}))["viewer"]["library"]
    assert library["status"] == "SUCCEEDED"
    assert library["savedTracksCount"] == expected.saved_tracks
    assert library["savedTracks"]["totalCount"] == expected.saved_tracks
    assert library["savedAlbums"]["totalCount"] == expected.saved_albums
    assert library["followedArtists"]["totalCount"] == expected.followed_artists
    assert library["playlists"]["totalCount"] == expected.playlists
    by_uri = {e["node"]["uri"]: e["node"] for e in library["playlists"]["edges"]}
    for spotify_id, total in expected.readable_items.items():
        assert by_uri[f"spotify:playlist:{spotify_id}"]["items"]["totalCount"] == total
    for spotify_id in expected.unreadable:
        node = by_uri[f"spotify:playlist:{spotify_id}"]
        assert not node["itemsReadable"]
        assert node["unreadableReason"]
    # Paging through every saved track gives each exactly once, newest first.
    uris: list[str] = []
    after = None
    while True:
        page = (await alice.query(LIBRARY, {"first": 40, "after": after}))["viewer"]["library"]
        tracks = page["savedTracks"]
        uris += [e["node"]["uri"] for e in tracks["edges"]]
        if not tracks["pageInfo"]["hasNextPage"]:
            break
        after = tracks["pageInfo"]["endCursor"]
    fixture_uris = [s["track"]["uri"] for s in library_fixture["users"][0]["saved_tracks"]]
    assert sorted(uris) == sorted(set(fixture_uris))
    durations = sum(s["track"]["duration_ms"] for s in library_fixture["users"][0]["saved_tracks"])
    assert library["savedTracks"]["totalDurationMs"] == durations


async def test_second_save_returns_the_running_snapshot(
    alice: GraphQLClient, library_emulator: EmulatorHandle
) -> None:
    # Spotify answers slowly, so the first snapshot is surely still running at the second
    # save (a small library could otherwise finish in between).
    await library_emulator.configure(latency_ms=2000)
    first = (await alice.query(SAVE))["saveLibrary"]
    second = (await alice.query(SAVE))["saveLibrary"]
    assert second["id"] == first["id"]


async def test_filter_and_sort(alice: GraphQLClient, library_fixture: dict[str, Any]) -> None:
    await save_and_wait(alice)
    saved = library_fixture["users"][0]["saved_tracks"]
    name = saved[0]["track"]["name"]
    data = await alice.query(
        LIBRARY,
        {"first": 200, "filter": {"text": name}, "sort": {"key": "NAME", "direction": "ASC"}},
    )
    edges = data["viewer"]["library"]["savedTracks"]["edges"]
    assert saved[0]["track"]["uri"] in {e["node"]["uri"] for e in edges}
    data = await alice.query(
        LIBRARY, {"first": 200, "sort": {"key": "DURATION", "direction": "ASC"}}
    )
    durations = [e["node"]["durationMs"] for e in data["viewer"]["library"]["savedTracks"]["edges"]]
    assert durations == sorted(durations)


async def test_anonymous_and_foreign_snapshots_are_refused(
    alice: GraphQLClient, library_app: str
) -> None:
    snapshot = (await alice.query(SAVE))["saveLibrary"]
    anonymous = alice.with_token(None)
    body = await anonymous.execute(SAVE)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await anonymous.execute(
        "query($id: ID!) { librarySnapshot(id: $id) { status } }", {"id": snapshot["id"]}
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


LOCAL_ITEMS = """
query { viewer { library { playlists(first: 50) { edges { node {
  items(first: 200) { edges { node { track {
    uri isLocal localArtists localAlbum artists { totalCount } album { name }
  } } } }
} } } } } }
"""


async def test_local_files_keep_their_artist_and_album_names(
    alice: GraphQLClient, library_fixture: dict[str, Any]
) -> None:
    user = library_fixture["users"][0]
    readable = expected_of(user).readable_items
    local = {
        item["track"]["uri"]: item["track"]
        for entry in user["playlists"]
        if entry["playlist"]["id"] in readable
        for item in entry["items"]
        if item.get("is_local")
    }
    assert local, "the fixture must hold a local file"
    await save_and_wait(alice)
    data = await alice.query(LOCAL_ITEMS)
    tracks = {
        item["node"]["track"]["uri"]: item["node"]["track"]
        for playlist in data["viewer"]["library"]["playlists"]["edges"]
        for item in playlist["node"]["items"]["edges"]
        if item["node"]["track"] and item["node"]["track"]["isLocal"]
    }
    assert set(tracks) == set(local)
    for uri, track in tracks.items():
        names = [a["name"] for a in local[uri]["artists"]]
        # A local file's artists and album have no catalog rows: their names only.
        assert track["localArtists"] == names
        assert track["artists"] == {"totalCount": 0}
        assert track["localAlbum"] == local[uri]["album"]["name"]
        assert track["album"] is None
