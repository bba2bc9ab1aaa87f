"""A page of playlists with their items costs the same statements at any size: one window
query reads every playlist's items."""

from __future__ import annotations

from graphql_api.resources import Resources
from tests.library.test_statement_count import counting, selects
from tests.playlists.conftest import Person, add, create, make_songs

PLAYLISTS = """query($first: Int!) { playlists(first: $first, sort: {key: NAME, direction: ASC}) {
  totalCount edges { node { name version itemCount totalDurationMs viewerRole owner { id }
    items(first: 20) { totalCount edges { node { id addedAt addedBy { id } song { name } } } }
  } }
} }"""


async def test_statements_for_playlists_with_their_items_do_not_grow_with_the_playlists(
    owner: Person, resources: Resources
) -> None:
    songs = await make_songs(resources, 30)
    for n in range(6):
        playlist = await create(owner, f"List {n}")
        await add(owner, playlist["id"], songs[n : n + 25], 1)
    counts = {}
    for first in (1, 6):
        with counting() as statements:
            data = await owner.client.query(PLAYLISTS, {"first": first})
        edges = data["playlists"]["edges"]
        assert len(edges) == first
        assert all(len(e["node"]["items"]["edges"]) == 20 for e in edges)
        assert all(e["node"]["items"]["totalCount"] == 25 for e in edges)
        counts[first] = selects(statements)
    assert counts[1] == counts[6], counts
