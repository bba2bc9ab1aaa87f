"""DataLoaders everywhere: a page costs the same number of SQL statements at any size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from spotify_emulator.testing import EmulatorHandle
from tests.library.test_diff import edit_library
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient

PAGE = """
query($first: Int!) { viewer { library {
  savedTracks(first: $first) { totalCount edges { node {
    name artists { name genres } album { name artists { name } } playlists { name }
  } } }
  savedAlbums(first: $first) { edges { node { name artists { name } } } }
  followedArtists(first: $first) { edges { node { name genres } } }
  playlists(first: $first) { edges { node { name
    items(first: $first) { totalCount edges { node { position track { name artists { name } } } } }
  } } }
} } }
"""

PLAYLISTS = """
query($playlists: Int!) { viewer { library { playlists(first: $playlists) { edges { node {
  name itemsReadable
  items(first: 4) { totalCount totalDurationMs edges { node { position track { name
    artists { name } album { name } } } } }
} } } } } }
"""


def selects(statements: list[str]) -> int:
    return len([s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))])


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def test_statements_per_page_do_not_grow_with_its_size(alice: GraphQLClient) -> None:
    await save_and_wait(alice)
    counts = {}
    for first in (3, 60):
        with counting() as statements:
            data = await alice.query(PAGE, {"first": first})
        assert len(data["viewer"]["library"]["savedTracks"]["edges"]) == first
        counts[first] = selects(statements)
    assert counts[3] == counts[60], counts


async def test_statements_for_playlists_with_their_items_do_not_grow_with_the_playlists(
    alice: GraphQLClient,
) -> None:
    await save_and_wait(alice)
    counts = {}
    for playlists in (1, 5):
        with counting() as statements:
            data = await alice.query(PLAYLISTS, {"playlists": playlists})
        edges = data["viewer"]["library"]["playlists"]["edges"]
        assert len(edges) == playlists
        items = [e["node"]["items"] for e in edges]
        # Every playlist's items were really read (else there would be nothing to count).
        assert [len(i["edges"]) for i in items] == [min(4, i["totalCount"]) for i in items]
        assert len([i for i in items if i["edges"]]) >= min(playlists, 3)
        counts[playlists] = selects(statements)
    assert counts[1] == counts[5], counts


DIFF = """
query($from: ID!, $first: Int!) { libraryDiff(from: $from) {
  addedTracks(first: $first) { totalCount edges { node { name artists { name } album { name } } } }
  removedTracks(first: $first) { totalCount edges { node { name artists { name } } } }
  unfollowedArtists(first: $first) { totalCount edges { node { name genres } } }
  changedPlaylists(first: $first) { totalCount edges { node { playlist { name }
    removedItems(first: $first) { totalCount edges { node { name artists { name } } } }
  } } }
} }
"""


async def test_statements_per_diff_page_do_not_grow_with_its_size(
    alice: GraphQLClient, library_emulator: EmulatorHandle, library_fixture: dict[str, Any]
) -> None:
    first = await save_and_wait(alice)
    users = library_fixture["users"]
    after, _, _ = edit_library(users[0], users[1], tracks=40, artists=25)
    await library_emulator.set_library("alice", after)
    await save_and_wait(alice)
    counts = {}
    for size in (3, 20):
        with counting() as statements:
            diff = (await alice.query(DIFF, {"from": first["id"], "first": size}))["libraryDiff"]
        for name in ("addedTracks", "removedTracks", "unfollowedArtists"):
            assert len(diff[name]["edges"]) == size < diff[name]["totalCount"], name
        counts[size] = selects(statements)
    assert counts[3] == counts[20], counts
