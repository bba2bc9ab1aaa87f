"""libraryDiff after the emulator's library changed between two snapshots: paged connections."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from graphql_api.kit.ids import MAX_DB_INT
from graphql_api.kit.pagination import encode_cursor, offset_cursor
from spotify_emulator.testing import EmulatorHandle
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient

PAGE = "totalCount pageInfo { hasNextPage endCursor } edges { cursor node { uri } }"
DIFF = f"""
query($from: ID!, $to: ID) {{ libraryDiff(from: $from, to: $to) {{
  from {{ version }} to {{ version }}
  addedTracks {{ {PAGE} }} removedTracks {{ {PAGE} }}
  addedAlbums {{ {PAGE} }} removedAlbums {{ {PAGE} }}
  followedArtists {{ {PAGE} }} unfollowedArtists {{ {PAGE} }}
  addedPlaylists {{ {PAGE} }} removedPlaylists {{ {PAGE} }}
  changedPlaylists(first: 10) {{ totalCount edges {{ node {{
    playlist {{ uri }} addedItems {{ {PAGE} }} removedItems {{ {PAGE} }}
  }} }} }}
}} }}
"""


def _uri(item: dict[str, Any]) -> str | None:
    content = item.get("item") or item.get("track")
    return content.get("uri") if content else None


def _uris(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["uri"] for edge in connection["edges"]]


def _copies(items: list[dict[str, Any]]) -> Counter[str]:
    return Counter(u for u in map(_uri, items) if u)


def edit_library(
    before: dict[str, Any], other: dict[str, Any], *, tracks: int, artists: int
) -> Any:
    """``before`` with ``tracks`` saved tracks swapped for ``other``'s, ``artists`` unfollowed,
    an album and a playlist dropped, and one playlist of alice's edited (items removed, a
    song added twice more, another song once)."""
    after = copy.deepcopy(before)
    mine = {s["track"]["uri"] for s in before["saved_tracks"]}
    newcomers = [s for s in other["saved_tracks"] if s["track"]["uri"] not in mine][:tracks]
    after["saved_tracks"] = newcomers + after["saved_tracks"][tracks:]
    after["saved_albums"].pop(0)
    after["followed_artists"] = after["followed_artists"][artists:]
    after["playlists"].pop()
    edited = next(
        p
        for p in after["playlists"]
        if p["playlist"]["owner"]["id"] == "alice" and len([i for i in p["items"] if _uri(i)]) > 12
    )
    kept = [i for i in edited["items"] if _uri(i)]
    edited["items"] = [*edited["items"][10:], kept[-1], kept[-1], copy.deepcopy(newcomers[0])]
    edited["playlist"]["snapshot_id"] = "edited-" + edited["playlist"]["snapshot_id"]
    return after, newcomers, edited


async def test_diff_between_two_snapshots(
    alice: GraphQLClient, library_emulator: EmulatorHandle, library_fixture: dict[str, Any]
) -> None:
    before = library_fixture["users"][0]
    first = await save_and_wait(alice)
    after, newcomers, edited = edit_library(
        before, library_fixture["users"][1], tracks=3, artists=2
    )
    await library_emulator.set_library("alice", after)
    await save_and_wait(alice)

    diff = (await alice.query(DIFF, {"from": first["id"]}))["libraryDiff"]
    assert (diff["from"]["version"], diff["to"]["version"]) == (1, 2)
    added = {s["track"]["uri"] for s in newcomers}
    assert set(_uris(diff["addedTracks"])) == added
    assert diff["addedTracks"]["totalCount"] == len(added) == 3
    removed = {s["track"]["uri"] for s in before["saved_tracks"][:3]}
    assert set(_uris(diff["removedTracks"])) == removed
    assert _uris(diff["removedAlbums"]) == [before["saved_albums"][0]["album"]["uri"]]
    assert diff["addedAlbums"]["totalCount"] == 0
    unfollowed = {a["uri"] for a in before["followed_artists"][:2]}
    assert set(_uris(diff["unfollowedArtists"])) == unfollowed
    assert diff["followedArtists"]["edges"] == []
    assert diff["addedPlaylists"]["totalCount"] == 0
    assert _uris(diff["removedPlaylists"]) == [before["playlists"][-1]["playlist"]["uri"]]
    assert diff["changedPlaylists"]["totalCount"] == 1
    (change,) = [edge["node"] for edge in diff["changedPlaylists"]["edges"]]
    assert change["playlist"]["uri"] == edited["playlist"]["uri"]
    old = next(p for p in before["playlists"] if p["playlist"]["uri"] == edited["playlist"]["uri"])
    # Multisets: a song added twice more is two added items; a removed song still in the
    # playlist elsewhere (a duplicate) only loses one copy.
    assert Counter(_uris(change["addedItems"])) == _copies(edited["items"]) - _copies(old["items"])
    assert Counter(_uris(change["removedItems"])) == _copies(old["items"]) - _copies(
        edited["items"]
    )
    assert change["addedItems"]["totalCount"] >= 3
    # The other direction is the same diff mirrored.
    latest = (await alice.query("{ viewer { library { id } } }"))["viewer"]["library"]["id"]
    back = (await alice.query(DIFF, {"from": latest, "to": first["id"]}))["libraryDiff"]
    assert set(_uris(back["addedTracks"])) == removed
    assert set(_uris(back["removedTracks"])) == added
    assert Counter(_uris(back["changedPlaylists"]["edges"][0]["node"]["addedItems"])) == Counter(
        _uris(change["removedItems"])
    )


WALK = """
query($from: ID!, $first: Int!, $after: String) { libraryDiff(from: $from) { %s } }
"""


async def _walk(client: GraphQLClient, snapshot_id: str, selection: str, pick: Any) -> list[str]:
    """Every uri of one diff list, read ``first: 7`` at a time by following ``endCursor``."""
    query = WALK % selection.replace("PAGE", f"(first: $first, after: $after) {{ {PAGE} }}")
    seen: list[str] = []
    after, totals = None, set()
    while True:
        data = await client.query(query, {"from": snapshot_id, "first": 7, "after": after})
        page = pick(data["libraryDiff"])
        assert len(page["edges"]) <= 7
        totals.add(page["totalCount"])
        seen += _uris(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert totals == {len(seen)}  # every page told the same total, and it was the truth
    return seen


async def test_a_cursor_walk_sees_every_added_and_removed_item_exactly_once(
    alice: GraphQLClient, library_emulator: EmulatorHandle, library_fixture: dict[str, Any]
) -> None:
    before = library_fixture["users"][0]
    first = await save_and_wait(alice)
    after, newcomers, edited = edit_library(
        before, library_fixture["users"][1], tracks=40, artists=25
    )
    await library_emulator.set_library("alice", after)
    await save_and_wait(alice)
    snapshot = first["id"]

    added = await _walk(alice, snapshot, "addedTracks PAGE", lambda d: d["addedTracks"])
    assert sorted(added) == sorted(s["track"]["uri"] for s in newcomers)
    assert len(added) > 14  # more than two pages
    removed = await _walk(alice, snapshot, "removedTracks PAGE", lambda d: d["removedTracks"])
    assert sorted(removed) == sorted(s["track"]["uri"] for s in before["saved_tracks"][:40])
    unfollowed = await _walk(
        alice, snapshot, "unfollowedArtists PAGE", lambda d: d["unfollowedArtists"]
    )
    assert sorted(unfollowed) == sorted(a["uri"] for a in before["followed_artists"][:25])
    old = next(p for p in before["playlists"] if p["playlist"]["uri"] == edited["playlist"]["uri"])
    items = await _walk(
        alice,
        snapshot,
        "changedPlaylists { edges { node { removedItems PAGE } } }",
        lambda d: d["changedPlaylists"]["edges"][0]["node"]["removedItems"],
    )
    assert Counter(items) == _copies(old["items"]) - _copies(edited["items"])
    assert len(items) > 7


async def test_diff_lists_refuse_bad_paging_arguments_and_answer_empty_past_the_end(
    alice: GraphQLClient,
) -> None:
    snapshot = await save_and_wait(alice)
    query = WALK % f"addedTracks(first: $first, after: $after) {{ {PAGE} }}"
    for first, after in ((-1, None), (201, None), (5, "garbage"), (5, encode_cursor("u", 1))):
        body = await alice.execute(query, {"from": snapshot["id"], "first": first, "after": after})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    # The largest offset a cursor may name reaches the database without overflowing it.
    last = offset_cursor(MAX_DB_INT - 1)
    body = await alice.query(query, {"from": snapshot["id"], "first": 5, "after": last})
    assert body["libraryDiff"]["addedTracks"]["edges"] == []
