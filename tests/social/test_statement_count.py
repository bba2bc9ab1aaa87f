"""A page of likes, and ``viewerHasLiked`` on a page of songs, cost a fixed number of SQL
statements whatever the page size."""

from __future__ import annotations

import datetime as dt

from graphql_api.db import models
from graphql_api.db.models import LikeTarget
from graphql_api.resources import Resources
from tests.library.conftest import login
from tests.library.test_statement_count import counting, selects
from tests.support.graphql_client import GraphQLClient

LIKES = """query($first: Int!) { viewer { likes(first: $first) { totalCount edges { likedAt node {
  __typename likeCount viewerHasLiked
  ... on Song { name } ... on Album { name } ... on Artist { name } ... on Playlist { name }
} } } } }"""
SONGS = """query($first: Int!) { songs(first: $first) { totalCount edges { node {
  name likeCount viewerHasLiked
} } } }"""


async def _liker(resources: Resources) -> int:
    """A user who liked 30 songs, 10 albums, 10 artists and 5 playlists, a second apart."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    async with resources.sessionmaker() as session:
        user = models.User(display_name="liker")
        songs = [models.Song(name=f"song {n}") for n in range(30)]
        albums = [models.Album(name=f"album {n}") for n in range(10)]
        artists = [models.Artist(name=f"artist {n}") for n in range(10)]
        playlists = [
            models.Playlist(name=f"list {n}", visibility=models.PlaylistVisibility.PUBLIC)
            for n in range(5)
        ]
        session.add_all([user, *songs, *albums, *artists, *playlists])
        await session.flush()
        targets = (
            [(LikeTarget.SONG, row.id) for row in songs]
            + [(LikeTarget.ALBUM, row.id) for row in albums]
            + [(LikeTarget.ARTIST, row.id) for row in artists]
            + [(LikeTarget.PLAYLIST, row.id) for row in playlists]
        )
        session.add_all(
            models.Like(
                user_id=user.id,
                target_type=target,
                target_id=target_id,
                created_at=start + dt.timedelta(seconds=n),
            )
            for n, (target, target_id) in enumerate(targets)
        )
        await session.commit()
    return user.id


async def test_statements_per_page_of_likes_do_not_grow_with_its_size(
    resources: Resources, gql: GraphQLClient
) -> None:
    client = gql.with_token(await login(resources, await _liker(resources)))
    counts = {}
    for first in (3, 50):
        with counting() as statements:
            data = await client.query(LIKES, {"first": first})
        page = data["viewer"]["likes"]
        assert page["totalCount"] == 55
        assert len(page["edges"]) == first
        assert all(edge["node"]["viewerHasLiked"] for edge in page["edges"])
        counts[first] = selects(statements)
    # The 50 newest span every type; the 3 newest are playlists only.
    assert counts[3] == counts[50], counts


async def test_statements_for_viewer_has_liked_on_a_page_of_songs_do_not_grow_with_it(
    resources: Resources, gql: GraphQLClient
) -> None:
    client = gql.with_token(await login(resources, await _liker(resources)))
    counts = {}
    for first in (3, 30):
        with counting() as statements:
            data = await client.query(SONGS, {"first": first})
        edges = data["songs"]["edges"]
        assert len(edges) == first
        assert all(edge["node"]["viewerHasLiked"] for edge in edges)
        counts[first] = selects(statements)
    assert counts[3] == counts[30], counts
