"""GraphQL flows the restore tests share: restore and wait, compare two snapshots."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from tests.support.graphql_client import GraphQLClient

ALL = ["TRACKS", "ALBUMS", "ARTISTS", "PLAYLISTS"]
RESTORE = """
mutation($id: ID!, $sections: [RestoreSection!]!, $mode: RestoreMode!, $dryRun: Boolean!) {
  restoreSnapshot(id: $id, sections: $sections, mode: $mode, dryRun: $dryRun) { id status }
}
"""
ITEM = "totalCount edges { node { uri name recreated replaced } }"
STATE = f"""
query($id: ID!) {{ restore(id: $id) {{
  id status mode dryRun sections progress {{ phase done total fraction }}
  error {{ code message }}
  plan {{ section addCount removeCount add(first: 200) {{ {ITEM} }}
    remove(first: 200) {{ {ITEM} }} }}
  result {{ section added removed unavailable(first: 200) {{ {ITEM} }} }}
}} }}
"""
WAIT_S = 120.0


async def wait_for_restore(client: GraphQLClient, restore_id: str) -> dict[str, Any]:
    """The restore once it has ended (fails clearly if it has not within ``WAIT_S``)."""
    deadline = time.monotonic() + WAIT_S
    while True:
        state = (await client.query(STATE, {"id": restore_id}))["restore"]
        if state["status"] in ("SUCCEEDED", "FAILED"):
            return _flattened(state)
        assert time.monotonic() < deadline, f"the restore did not end: {state}"
        await asyncio.sleep(0.05)


def _flattened(state: dict[str, Any]) -> dict[str, Any]:
    """The restore with its item connections as plain lists (all fit in one page here)."""
    for key, lists in (("plan", ("add", "remove")), ("result", ("unavailable",))):
        for part in state[key] or []:
            for name in lists:
                connection = part[name]
                assert len(connection["edges"]) == connection["totalCount"], connection
                part[name] = [edge["node"] for edge in connection["edges"]]
    return state


async def restore(
    client: GraphQLClient,
    snapshot_id: str,
    mode: str,
    *,
    dry_run: bool = False,
    sections: list[str] | None = None,
) -> dict[str, Any]:
    """Restore (or dry-run) ``snapshot_id`` and wait for it; it must succeed."""
    variables = {"id": snapshot_id, "sections": sections or ALL, "mode": mode, "dryRun": dry_run}
    started = (await client.query(RESTORE, variables))["restoreSnapshot"]
    state = await wait_for_restore(client, started["id"])
    assert state["status"] == "SUCCEEDED", state
    return state


def section(state: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    return next(part for part in state[key] if part["section"] == name)


PLAYLISTS_OF = """
query($from: ID!, $to: ID) { libraryDiff(from: $from, to: $to) {
  addedTracks(first: 200) { totalCount edges { node { uri } } }
  removedTracks(first: 200) { totalCount edges { node { uri } } }
  addedAlbums(first: 200) { totalCount edges { node { uri } } }
  removedAlbums(first: 200) { totalCount edges { node { uri } } }
  followedArtists(first: 200) { totalCount edges { node { uri } } }
  unfollowedArtists(first: 200) { totalCount edges { node { uri } } }
  addedPlaylists(first: 200) { totalCount edges { node { uri name owner
    items(first: 200) { edges { node { track { uri } } } } } } }
  removedPlaylists(first: 200) { totalCount edges { node { uri name owner
    items(first: 200) { edges { node { track { uri } } } } } } }
  changedPlaylists(first: 50) { totalCount edges { node { playlist { uri owner }
    addedItems { totalCount } removedItems { totalCount edges { node { uri } } } } } }
} }
"""


async def diff(client: GraphQLClient, source: str, target: str) -> dict[str, Any]:
    body = await client.query(PLAYLISTS_OF, {"from": source, "to": target})
    return dict(body["libraryDiff"])


def uris(connection: dict[str, Any]) -> set[str]:
    return {edge["node"]["uri"] for edge in connection["edges"]}


def contents(playlist: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """A playlist as restore puts it back: its name and its items that have a URI."""
    tracks = [e["node"]["track"] for e in playlist["items"]["edges"]]
    items = tuple(
        t["uri"]
        for t in tracks
        if t and t.get("uri", "").startswith(("spotify:track:", "spotify:episode:"))
    )
    return playlist["name"], items


def playlist_contents(connection: dict[str, Any]) -> Counter[tuple[str, tuple[str, ...]]]:
    return Counter(contents(edge["node"]) for edge in connection["edges"])
