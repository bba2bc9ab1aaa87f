"""The top-level lists over Spotify mirrors: filters, sorts stable under ties, keyset
pages, and a page's SQL statement count whatever its size."""

from __future__ import annotations

import functools
from typing import Any

from graphql_api.settings import Settings
from tests.auth.conftest import error_code
from tests.catalog.conftest import ingest, spotify_artist, spotify_track
from tests.library.test_statement_count import fewest_selects
from tests.support.graphql_client import GraphQLClient

SONGS = """query($first: Int, $after: String, $filter: CatalogFilter, $sort: CatalogOrder) {
  songs(first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id name durationMs } } }"""


async def _mirrors(settings: Settings) -> None:
    # 12 songs on 3 albums (years 2001..2003) by 4 artists; durations tie in pairs.
    await ingest(
        settings,
        [
            spotify_track(
                n,
                album=n % 3,
                artists=[n % 4, (n + 1) % 4],
                duration=1000 * (n // 2),
                year=2001 + n % 3,
            )
            for n in range(1, 13)
        ],
        [spotify_artist(n, ["jazz", f"genre {n % 2}"]) for n in range(4)],
    )


async def _all_pages(client: GraphQLClient, page_size: int, **variables: Any) -> list[str]:
    names: list[str] = []
    after = None
    while True:
        data = await client.query(SONGS, {"first": page_size, "after": after, **variables})
        names += [node["name"] for node in data["songs"]["nodes"]]
        if not data["songs"]["pageInfo"]["hasNextPage"]:
            return names
        after = data["songs"]["pageInfo"]["endCursor"]


async def test_sorted_pages_are_stable_under_ties(settings: Settings, ada: GraphQLClient) -> None:
    await _mirrors(settings)
    sort = {"by": "DURATION", "direction": "DESC"}
    whole = (await ada.query(SONGS, {"first": 50, "sort": sort}))["songs"]
    assert whole["totalCount"] == 12
    paged = await _all_pages(ada, 5, sort=sort)
    assert paged == [node["name"] for node in whole["nodes"]]
    durations = [node["durationMs"] for node in whole["nodes"]]
    assert durations == sorted(durations, reverse=True)
    # Ties (two songs per duration) come in descending id order: the tiebreak.
    ids = [node["id"] for node in whole["nodes"]]
    assert len(set(ids)) == 12


async def test_keyset_pages_of_every_sort_match_the_whole_list(
    settings: Settings, ada: GraphQLClient
) -> None:
    await _mirrors(settings)
    for by in ("NAME", "RELEASE_DATE", "DURATION", "POPULARITY", "CREATED", "LIKES"):
        for direction in ("ASC", "DESC"):
            sort = {"by": by, "direction": direction}
            whole = (await ada.query(SONGS, {"first": 50, "sort": sort}))["songs"]["nodes"]
            assert await _all_pages(ada, 5, sort=sort) == [n["name"] for n in whole], sort


async def test_filters_combine(settings: Settings, ada: GraphQLClient) -> None:
    await _mirrors(settings)
    by_text = await ada.query(SONGS, {"filter": {"text": "song 1"}})
    assert sorted(n["name"] for n in by_text["songs"]["nodes"]) == [
        "Mirror Song 1",
        "Mirror Song 10",
        "Mirror Song 11",
        "Mirror Song 12",
    ]
    short = await ada.query(SONGS, {"filter": {"text": "g 1"}})
    assert short["songs"]["totalCount"] == 4
    ranged = await ada.query(
        SONGS,
        {
            "filter": {
                "durationMs": {"min": 2000, "max": 4000},
                "releaseYear": {"min": 2002, "max": 2002},
                "source": "SPOTIFY",
            }
        },
    )
    # durations 2000..4000: songs 4..9; year 2002: n % 3 == 1 -> songs 4 and 7.
    assert sorted(n["name"] for n in ranged["songs"]["nodes"]) == ["Mirror Song 4", "Mirror Song 7"]
    mine = await ada.query(SONGS, {"filter": {"ownedByMe": True}})
    assert mine["songs"]["totalCount"] == 0


async def test_filters_by_related_nodes(settings: Settings, ada: GraphQLClient) -> None:
    await _mirrors(settings)
    artists = await ada.query(
        'query { artists(filter: {text: "Artist 2"}) { nodes { id name songCount } } }'
    )
    (artist,) = artists["artists"]["nodes"]
    songs = await ada.query(SONGS, {"filter": {"artistId": artist["id"]}})
    assert songs["songs"]["totalCount"] == artist["songCount"] == 6
    albums = await ada.query(
        "query($a: ID!) { albums(filter: {artistId: $a}, sort: {by: RELEASE_DATE}) "
        "{ nodes { name releaseYear } } }",
        {"a": artist["id"]},
    )
    years = [a["releaseYear"] for a in albums["albums"]["nodes"]]
    assert years == sorted(years)


async def test_bad_list_arguments_are_refused(settings: Settings, ada: GraphQLClient) -> None:
    await _mirrors(settings)
    cases = [
        {"first": -1},
        {"first": 201},
        {"after": "nonsense"},
        {"filter": {"durationMs": {"min": 5, "max": 1}}},
        {"filter": {"artistId": "QWxidW06MQ=="}},  # an Album id
    ]
    for variables in cases:
        assert error_code(await ada.execute(SONGS, variables)) == "BAD_USER_INPUT", variables
    page = (await ada.query(SONGS, {"first": 2}))["songs"]["pageInfo"]["endCursor"]
    other_sort = {"after": page, "sort": {"by": "DURATION"}}
    assert error_code(await ada.execute(SONGS, other_sort)) == "BAD_USER_INPUT"
    genres_by_duration = "query { genres(sort: {by: DURATION}) { totalCount } }"
    assert error_code(await ada.execute(genres_by_duration)) == "BAD_USER_INPUT"


NESTED = """query($first: Int!) { songs(first: $first) { totalCount nodes { name
  artists(first: 3) { totalCount nodes { name songCount albums(first: 2) { nodes { name } } } }
  albums(first: 3) { totalCount edges { trackNumber node { name totalDurationMs
    songs(first: 2) { nodes { name } } } } }
  genres(first: 3) { totalCount nodes { name } }
  credits(first: 3) { totalCount edges { role artist { name } } } } } }"""


async def test_statements_per_songs_page_do_not_grow_with_its_size(
    settings: Settings, ada: GraphQLClient
) -> None:
    await _mirrors(settings)
    counts = {}
    for first in (2, 10):
        data, counts[first] = await fewest_selects(
            functools.partial(ada.query, NESTED, {"first": first})
        )
        nodes = data["songs"]["nodes"]
        assert len(nodes) == first
        assert all(
            n["artists"]["totalCount"] == 2 and n["albums"]["totalCount"] == 1 for n in nodes
        )
    assert counts[2] == counts[10], counts


RELATIONS = """query($first: Int!) {
  songs(first: $first) { nodes { artists(first: 2) { nodes { genres(first: 2) { totalCount
    nodes { artists(first: 2) { totalCount } } } } } } }
  albums(first: $first) { nodes { songs(first: 2) { totalCount } artists { totalCount }
    genres { totalCount } } }
  artists(first: $first) { nodes { songs(first: 2) { totalCount } albums { totalCount }
    genres { totalCount } credits(role: PERFORMER) { totalCount } } }
  genres(first: $first) { nodes { songs { totalCount } albums { totalCount }
    artists { totalCount } } } }"""


async def test_statements_per_page_of_every_connection_do_not_grow_with_its_size(
    settings: Settings, ada: GraphQLClient
) -> None:
    await _mirrors(settings)
    counts = {}
    for first in (1, 3):
        data, counts[first] = await fewest_selects(
            functools.partial(ada.query, RELATIONS, {"first": first})
        )
        assert len(data["albums"]["nodes"]) == len(data["artists"]["nodes"]) == first
        assert len(data["genres"]["nodes"]) == min(first, 3)
        # By name: "genre 0" and "genre 1" (two artists each), "jazz" (all four).
        assert [g["artists"]["totalCount"] for g in data["genres"]["nodes"]] == [2, 2, 4][:first]
    assert counts[1] == counts[3], counts


async def test_every_catalog_type_is_a_node_anonymous_viewers_see_mirrors(
    settings: Settings, ada: GraphQLClient, gql: GraphQLClient
) -> None:
    await _mirrors(settings)
    listed = await gql.query(
        "query { songs(first: 1) { nodes { id } } albums(first: 1) { nodes { id } } "
        "artists(first: 1) { nodes { id } } genres(first: 1) { nodes { id name } } }"
    )
    for kind, typename in (
        ("songs", "Song"),
        ("albums", "Album"),
        ("artists", "Artist"),
        ("genres", "Genre"),
    ):
        (node,) = listed[kind]["nodes"]
        found = await gql.query(
            "query($id: ID!) { node(id: $id) { __typename id } }", {"id": node["id"]}
        )
        assert found["node"] == {"__typename": typename, "id": node["id"]}
    genre = await ada.query('mutation { createGenre(input: {name: "jazz"}) { id name source } }')
    assert genre["createGenre"]["source"] == "MIXTAPE"
    # Ada's private "jazz" is not Spotify's "jazz", and the anonymous viewer does not see it.
    names = await gql.query('query { genres(filter: {text: "jazz"}) { totalCount } }')
    assert names["genres"]["totalCount"] == 1
    mine = await ada.query('query { genres(filter: {text: "jazz"}) { totalCount } }')
    assert mine["genres"]["totalCount"] == 2
