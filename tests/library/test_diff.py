"""libraryDiff after the emulator's library changed between two snapshots."""

from __future__ import annotations

import copy
from typing import Any

from spotify_emulator.testing import EmulatorHandle
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient

DIFF = """
query($from: ID!) { libraryDiff(from: $from) {
  from { version } to { version }
  addedTracks { uri } removedTracks { uri }
  addedAlbums { uri } removedAlbums { uri }
  followedArtists { uri } unfollowedArtists { uri }
  addedPlaylists { uri } removedPlaylists { uri }
  changedPlaylists { playlist { uri } addedItems { uri } removedItems { uri } }
} }
"""


def _uri(item: dict[str, Any]) -> str | None:
    content = item.get("item") or item.get("track")
    return content.get("uri") if content else None


async def test_diff_between_two_snapshots(
    alice: GraphQLClient, library_emulator: EmulatorHandle, library_fixture: dict[str, Any]
) -> None:
    before = library_fixture["users"][0]
    first = await save_and_wait(alice)
    after = copy.deepcopy(before)
    mine = {s["track"]["uri"] for s in before["saved_tracks"]}
    newcomers = [
        s for s in library_fixture["users"][1]["saved_tracks"] if s["track"]["uri"] not in mine
    ][:2]
    removed_tracks = after["saved_tracks"][:3]
    after["saved_tracks"] = newcomers + after["saved_tracks"][3:]
    removed_album = after["saved_albums"].pop(0)
    unfollowed = after["followed_artists"][:2]
    after["followed_artists"] = after["followed_artists"][2:]
    dropped_playlist = after["playlists"].pop()
    edited = next(
        p
        for p in after["playlists"]
        if p["playlist"]["owner"]["id"] == "alice" and len(p["items"]) > 3
    )
    removed_items = edited["items"][:2]
    edited["items"] = edited["items"][2:]
    edited["playlist"]["snapshot_id"] = "edited-" + edited["playlist"]["snapshot_id"]
    await library_emulator.set_library("alice", after)
    await save_and_wait(alice)

    diff = (await alice.query(DIFF, {"from": first["id"]}))["libraryDiff"]
    assert (diff["from"]["version"], diff["to"]["version"]) == (1, 2)
    assert {t["uri"] for t in diff["addedTracks"]} == {s["track"]["uri"] for s in newcomers}
    assert {t["uri"] for t in diff["removedTracks"]} == {s["track"]["uri"] for s in removed_tracks}
    assert [a["uri"] for a in diff["removedAlbums"]] == [removed_album["album"]["uri"]]
    assert diff["addedAlbums"] == []
    assert {a["uri"] for a in diff["unfollowedArtists"]} == {a["uri"] for a in unfollowed}
    assert diff["followedArtists"] == []
    assert diff["addedPlaylists"] == []
    assert [p["uri"] for p in diff["removedPlaylists"]] == [dropped_playlist["playlist"]["uri"]]
    (change,) = diff["changedPlaylists"]
    assert change["playlist"]["uri"] == edited["playlist"]["uri"]
    assert change["addedItems"] == []
    gone = sorted(u for u in map(_uri, removed_items) if u)
    kept = [u for u in map(_uri, edited["items"]) if u]
    # A removed song still in the playlist elsewhere (a duplicate) only loses one copy.
    assert sorted(t["uri"] for t in change["removedItems"]) == sorted(gone)
    assert kept
