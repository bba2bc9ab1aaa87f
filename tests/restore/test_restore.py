"""restoreSnapshot end to end: a library changed after its snapshot is put back."""

from __future__ import annotations

from typing import Any

import pytest

from spotify_emulator.testing import EmulatorHandle
from tests.library.test_diff import edit_library
from tests.library.test_graphql import save_and_wait
from tests.restore.flows import diff, playlist_contents, restore, section, uris
from tests.support.graphql_client import GraphQLClient


async def _changed_library(
    alice: GraphQLClient, emulator: EmulatorHandle, fixture: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Snapshot alice's library, then change it at Spotify; (the snapshot, newcomers)."""
    first = await save_and_wait(alice)
    after, newcomers, _edited = edit_library(
        fixture["users"][0], fixture["users"][1], tracks=3, artists=2
    )
    await emulator.set_library("alice", after)
    return first, newcomers


def _planned(state: dict[str, Any]) -> dict[str, tuple[set[str], set[str]]]:
    return {
        part["section"]: ({i["uri"] for i in part["add"]}, {i["uri"] for i in part["remove"]})
        for part in state["plan"]
    }


@pytest.mark.parametrize("mode", ["ADD_MISSING", "MIRROR"])
async def test_restore_puts_back_the_snapshot_and_does_what_the_dry_run_planned(
    alice: GraphQLClient,
    library_emulator: EmulatorHandle,
    library_fixture: dict[str, Any],
    mode: str,
) -> None:
    first, newcomers = await _changed_library(alice, library_emulator, library_fixture)
    changed = await save_and_wait(alice)
    before = await diff(alice, first["id"], changed["id"])

    dry = await restore(alice, first["id"], mode, dry_run=True)
    assert dry["result"] is None
    planned = _planned(dry)
    # The plan is the difference from the account as it is now.
    assert planned["TRACKS"][0] == uris(before["removedTracks"])
    assert planned["ALBUMS"][0] == uris(before["removedAlbums"])
    assert planned["ARTISTS"][0] == uris(before["unfollowedArtists"])
    removals = planned["TRACKS"][1], planned["ALBUMS"][1], planned["ARTISTS"][1]
    if mode == "MIRROR":
        assert removals == (
            uris(before["addedTracks"]),
            uris(before["addedAlbums"]),
            uris(before["followedArtists"]),
        )
        assert planned["TRACKS"][1] == {s["track"]["uri"] for s in newcomers}
    else:
        assert removals == (set(), set(), set())
    alice_name = library_fixture["users"][0]["profile"]["display_name"]
    playlists = section(dry, "plan", "PLAYLISTS")["add"]
    assert {i["uri"] for i in playlists if not i["replaced"]} == uris(before["removedPlaylists"])
    assert any(i["recreated"] for i in playlists), playlists  # alice's own, deleted
    # MIRROR also gives alice's edited playlist its items back; others' are never edited.
    edited = {
        e["node"]["playlist"]["uri"]
        for e in before["changedPlaylists"]["edges"]
        if e["node"]["playlist"]["owner"] == alice_name
    }
    assert edited
    replaced = {i["uri"] for i in playlists if i["replaced"]}
    assert replaced == (edited if mode == "MIRROR" else set())

    done = await restore(alice, first["id"], mode)
    # The real run planned what the dry run did, and did all of it.
    assert _planned(done) == planned
    for part in done["plan"]:
        result = section(done, "result", part["section"])
        assert result["added"] == part["addCount"], (part, result)
        assert result["removed"] == part["removeCount"], (part, result)
    assert done["progress"] == {
        "phase": "done",
        "done": done["progress"]["total"],
        "total": done["progress"]["total"],
        "fraction": 1.0,
    }

    restored = await save_and_wait(alice)
    after = await diff(alice, first["id"], restored["id"])
    for lost in ("removedTracks", "removedAlbums", "unfollowedArtists"):
        assert after[lost]["totalCount"] == 0, (lost, after[lost])
    if mode == "MIRROR":
        for gained in ("addedTracks", "addedAlbums", "followedArtists"):
            assert after[gained]["totalCount"] == 0, (gained, after[gained])
        # Alice's edited playlist has the snapshot's items again, but for those no call
        # can put back (local files), which the result reports.
        unavailable = {i["uri"] for i in section(done, "result", "PLAYLISTS")["unavailable"]}
        for change in after["changedPlaylists"]["edges"]:
            node = change["node"]
            assert node["addedItems"]["totalCount"] == 0
            assert uris(node["removedItems"]) <= unavailable
            assert all(u.startswith("spotify:local:") for u in uris(node["removedItems"]))
    else:
        assert uris(after["addedTracks"]) == {s["track"]["uri"] for s in newcomers}
    # A playlist no longer in the list is back: followed again (same playlist) or, alice's
    # own, recreated as a new playlist with the same name and items.
    gone = playlist_contents(after["removedPlaylists"])
    assert playlist_contents(after["addedPlaylists"]) == gone
    assert {e["node"]["owner"] for e in after["addedPlaylists"]["edges"]} <= {alice_name}


async def test_restoring_again_changes_nothing(
    alice: GraphQLClient, library_emulator: EmulatorHandle, library_fixture: dict[str, Any]
) -> None:
    first, _ = await _changed_library(alice, library_emulator, library_fixture)
    await restore(alice, first["id"], "MIRROR")
    await library_emulator.reset_stats()
    again = await restore(alice, first["id"], "MIRROR")
    assert all(p["addCount"] == p["removeCount"] == 0 for p in again["plan"]), again["plan"]
    stats = await library_emulator.stats()
    writes = [e for e in stats["endpoints"] if not e.startswith("GET")]
    assert writes == [], stats["endpoints"]
