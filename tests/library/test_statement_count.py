"""DataLoaders everywhere: a page costs the same number of SQL statements at any size."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

from spotify_emulator.testing import EmulatorHandle
from tests.library.test_diff import edit_library
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient

T = TypeVar("T")

# One list per request: the lists of one request resolve concurrently, each in a session
# of its own, so how their loads fall into DataLoader batches would depend on timing.
LIBRARY = "query($first: Int!) { viewer { library { %s } } }"
LIBRARY_LISTS = {
    "savedTracks": """savedTracks(first: $first) { totalCount edges { node {
      name artists(first: 3) { nodes { name genres(first: 3) { nodes { name } } } }
      album { name artists(first: 3) { nodes { name } } } playlists { name }
    } } }""",
    "savedAlbums": """savedAlbums(first: $first) { totalCount edges { node {
      name artists(first: 3) { nodes { name } }
    } } }""",
    "followedArtists": """followedArtists(first: $first) { totalCount edges { node {
      name genres(first: 3) { nodes { name } }
    } } }""",
    "playlists": """playlists(first: $first) { totalCount edges { node { name
      items(first: $first) { totalCount edges { node { position track {
        name artists(first: 3) { nodes { name } }
      } } } }
    } } }""",
}

PLAYLISTS = """
query($playlists: Int!) { viewer { library { playlists(first: $playlists) { edges { node {
  name itemsReadable
  items(first: 4) { totalCount totalDurationMs edges { node { position track { name
    artists { nodes { name } } album { name } } } } }
} } } } } }
"""


def selects(statements: list[str]) -> int:
    return len([s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))])


def _in_background_job() -> bool:
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop: a synchronous caller
        return False
    return task is not None and task.get_name().startswith("job:")


@contextmanager
def counting() -> Iterator[list[str]]:
    """The statements this thread runs meanwhile, but for background jobs': apps other
    fixtures run on background threads (the fuzzers') are not counted, nor the in-process
    jobs and crons of the app under test (tasks named ``job:...``, such as the recovery
    sweep, which may fire during any request)."""
    statements: list[str] = []
    owner = threading.get_ident()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.get_ident() == owner and not _in_background_job():
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


async def fewest_selects(run: Callable[[], Awaitable[T]], times: int = 3) -> tuple[T, int]:
    """A request's answer and the fewest SELECTs it took over ``times`` runs. Its own
    statements come every time; what shares the thread now and then adds some (a task the
    app started, loads a tick apart falling into two DataLoader batches under load)."""
    counts = []
    for _ in range(times):
        with counting() as statements:
            answer = await run()
        counts.append(selects(statements))
    return answer, min(counts)


async def test_statements_per_page_do_not_grow_with_its_size(alice: GraphQLClient) -> None:
    await save_and_wait(alice)
    for name, selection in LIBRARY_LISTS.items():
        counts = {}
        for first in (3, 60):
            query = functools.partial(alice.query, LIBRARY % selection, {"first": first})
            data, counts[first] = await fewest_selects(query)
            page = data["viewer"]["library"][name]
            assert page["totalCount"] > 3, name
            assert len(page["edges"]) == min(first, page["totalCount"]), name
        assert counts[3] == counts[60], (name, counts)


async def test_statements_for_playlists_with_their_items_do_not_grow_with_the_playlists(
    alice: GraphQLClient,
) -> None:
    await save_and_wait(alice)
    counts = {}
    for playlists in (1, 5):
        query = functools.partial(alice.query, PLAYLISTS, {"playlists": playlists})
        data, counts[playlists] = await fewest_selects(query)
        edges = data["viewer"]["library"]["playlists"]["edges"]
        assert len(edges) == playlists
        items = [e["node"]["items"] for e in edges]
        # Every playlist's items were really read (else there would be nothing to count).
        assert [len(i["edges"]) for i in items] == [min(4, i["totalCount"]) for i in items]
        assert len([i for i in items if i["edges"]]) >= min(playlists, 3)
    assert counts[1] == counts[5], counts


# One list per request, as for LIBRARY_LISTS.
DIFF_LISTS = {
    "addedTracks": "addedTracks(first: $first) { %s }",
    "removedTracks": "removedTracks(first: $first) { %s }",
    "unfollowedArtists": "unfollowedArtists(first: $first) { %s }",
    "changedPlaylists": (
        "changedPlaylists { edges { node { playlist { name }"
        " removedItems(first: $first) { %s } } } }"
    ),
}
TRACKS = (
    "totalCount edges { node { name artists(first: 5) { nodes { name genres(first: 5) "
    "{ nodes { name } } } } album { name artists(first: 5) { nodes { name } } } } }"
)
ARTISTS = "totalCount edges { node { name genres { nodes { name } } } }"
DIFF = "query($from: ID!, $first: Int!) { libraryDiff(from: $from) { %s } }"


def _diff_list(diff: dict[str, Any], name: str) -> dict[str, Any]:
    if name == "changedPlaylists":
        return diff[name]["edges"][0]["node"]["removedItems"]
    return diff[name]


async def test_statements_per_diff_page_do_not_grow_with_its_size(
    alice: GraphQLClient, library_emulator: EmulatorHandle, library_fixture: dict[str, Any]
) -> None:
    first = await save_and_wait(alice)
    users = library_fixture["users"]
    after, _, _ = edit_library(users[0], users[1], tracks=40, artists=25)
    await library_emulator.set_library("alice", after)
    await save_and_wait(alice)
    for name, selection in DIFF_LISTS.items():
        counts = {}
        fields = selection % (ARTISTS if name == "unfollowedArtists" else TRACKS)
        for size in (3, 9):  # the edited playlist lost 10 items
            variables = {"from": first["id"], "first": size}
            data, counts[size] = await fewest_selects(
                functools.partial(alice.query, DIFF % fields, variables)
            )
            page = _diff_list(data["libraryDiff"], name)
            assert len(page["edges"]) == size < page["totalCount"], name
        assert counts[3] == counts[9], (name, counts)
