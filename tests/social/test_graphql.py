"""Likes and follows over GraphQL: the mutations, viewer.likes, followedArtists, totals."""

from __future__ import annotations

from typing import Any

from strawberry.relay import GlobalID

from graphql_api.db import models
from graphql_api.resources import Resources
from tests.library.conftest import login
from tests.support.graphql_client import GraphQLClient

LIKE = """mutation($id: ID!) { like(id: $id) { __typename likeCount viewerHasLiked
  ... on Song { name } ... on Album { name } ... on Artist { name } ... on Playlist { name } } }"""
UNLIKE = "mutation($id: ID!) { unlike(id: $id) { likeCount viewerHasLiked } }"
VIEWER = """query($type: LikeType) { viewer {
  likes(type: $type, first: 10) { totalCount edges { likedAt node { __typename likeCount } } }
  followedArtists(first: 10) { totalCount edges { onSpotify followedAt node { name } } }
  libraryTotals { likedSongsCount likedAlbumsCount likedArtistsCount likedPlaylistsCount
    followedArtistsCount ownPlaylistsCount ownPlaylistsDurationMs savedSongsCount }
} }"""


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors")
    return str(errors[0]["extensions"]["code"]) if errors else None


async def _world(resources: Resources) -> tuple[int, int, dict[str, str]]:
    """Two users; a Spotify song, album and artist; the first user's own playlist (PUBLIC)
    and private song."""
    async with resources.sessionmaker() as session:
        me, other = models.User(display_name="me"), models.User(display_name="other")
        song, album = models.Song(name="Song A", duration_ms=100), models.Album(name="Album A")
        artist = models.Artist(name="Artist A")
        session.add_all([me, other, song, album, artist])
        await session.flush()
        private = models.Song(name="Mine", owner_id=me.id)
        playlist = models.Playlist(
            name="List A", visibility=models.PlaylistVisibility.PUBLIC, total_duration_ms=500
        )
        session.add_all([private, playlist])
        await session.flush()
        session.add(
            models.PlaylistMember(
                playlist_id=playlist.id, user_id=me.id, role=models.PlaylistRole.OWNER
            )
        )
        await session.commit()
    ids = {
        "song": str(GlobalID("Song", str(song.id))),
        "album": str(GlobalID("Album", str(album.id))),
        "artist": str(GlobalID("Artist", str(artist.id))),
        "playlist": str(GlobalID("Playlist", str(playlist.id))),
        "private": str(GlobalID("Song", str(private.id))),
        "user": str(GlobalID("User", str(other.id))),
    }
    return me.id, other.id, ids


async def test_like_each_type_then_list_count_and_unlike(
    resources: Resources, gql: GraphQLClient
) -> None:
    me, other, ids = await _world(resources)
    mine = gql.with_token(await login(resources, me))
    theirs = gql.with_token(await login(resources, other))
    for kind in ("song", "album", "artist", "playlist"):
        for _ in range(2):
            liked = (await mine.query(LIKE, {"id": ids[kind]}))["like"]
            assert (liked["likeCount"], liked["viewerHasLiked"]) == (1, True)
        liked = (await theirs.query(LIKE, {"id": ids[kind]}))["like"]
        assert (liked["likeCount"], liked["viewerHasLiked"]) == (2, True)
    viewer = (await mine.query(VIEWER))["viewer"]
    assert [e["node"]["__typename"] for e in viewer["likes"]["edges"]] == [
        "Playlist",
        "Artist",
        "Album",
        "Song",
    ]
    assert viewer["libraryTotals"] == {
        "likedSongsCount": 1,
        "likedAlbumsCount": 1,
        "likedArtistsCount": 1,
        "likedPlaylistsCount": 1,
        "followedArtistsCount": 0,
        "ownPlaylistsCount": 1,
        "ownPlaylistsDurationMs": 500,
        "savedSongsCount": 0,
    }
    songs = (await mine.query(VIEWER, {"type": "SONG"}))["viewer"]["likes"]
    assert songs["totalCount"] == 1
    unliked = (await mine.query(UNLIKE, {"id": ids["song"]}))["unlike"]
    assert unliked == {"likeCount": 1, "viewerHasLiked": False}
    assert (await mine.query(UNLIKE, {"id": ids["song"]}))["unlike"]["likeCount"] == 1


async def test_likes_of_what_cannot_be_liked_or_seen_are_refused(
    resources: Resources, gql: GraphQLClient
) -> None:
    _me, other, ids = await _world(resources)
    theirs = gql.with_token(await login(resources, other))
    assert code(await theirs.execute(LIKE, {"id": ids["user"]})) == "BAD_USER_INPUT"
    assert code(await theirs.execute(LIKE, {"id": "garbage"})) == "BAD_USER_INPUT"
    missing = str(GlobalID("Song", str(10**12)))
    assert code(await theirs.execute(LIKE, {"id": missing})) == "NOT_FOUND"
    refused = await theirs.execute(LIKE, {"id": ids["private"]})
    unknown = await theirs.execute(LIKE, {"id": missing})
    assert code(refused) == "NOT_FOUND"
    assert refused["errors"][0]["message"] == unknown["errors"][0]["message"]
    anonymous = await gql.execute(LIKE, {"id": ids["song"]})
    assert code(anonymous) == "UNAUTHENTICATED"
    # Anonymous readers see counts, and never a like of their own.
    node = await gql.query(
        "query($id: ID!) { node(id: $id) { ... on Song { likeCount viewerHasLiked } } }",
        {"id": ids["song"]},
    )
    assert node["node"] == {"likeCount": 0, "viewerHasLiked": False}


async def test_follow_and_unfollow_artists_and_playlists(
    resources: Resources, gql: GraphQLClient
) -> None:
    _me, other, ids = await _world(resources)
    theirs = gql.with_token(await login(resources, other))
    for _ in range(2):
        followed = await theirs.query(
            "mutation($id: ID!) { followArtist(id: $id) { name } }", {"id": ids["artist"]}
        )
        assert followed["followArtist"]["name"] == "Artist A"
        await theirs.query(
            "mutation($id: ID!) { followPlaylist(id: $id) { name } }", {"id": ids["playlist"]}
        )
    viewer = (await theirs.query(VIEWER))["viewer"]
    (edge,) = viewer["followedArtists"]["edges"]
    assert (edge["node"]["name"], edge["onSpotify"]) == ("Artist A", False)
    assert edge["followedAt"] is not None
    assert viewer["libraryTotals"]["followedArtistsCount"] == 1
    await theirs.query(
        "mutation($id: ID!) { unfollowArtist(id: $id) { name } }", {"id": ids["artist"]}
    )
    await theirs.query(
        "mutation($id: ID!) { unfollowPlaylist(id: $id) { name } }", {"id": ids["playlist"]}
    )
    assert (await theirs.query(VIEWER))["viewer"]["followedArtists"]["totalCount"] == 0
    wrong = await theirs.execute(
        "mutation($id: ID!) { followArtist(id: $id) { name } }", {"id": ids["song"]}
    )
    assert code(wrong) == "BAD_USER_INPUT"
    async with resources.sessionmaker() as session:
        rows = await session.get(
            models.PlaylistFollow, (other, int(GlobalID.from_id(ids["playlist"]).node_id))
        )
    assert rows is None


LIKED_LISTS = """query {
  songs(first: 10, filter: {likedByMe: true}) { edges { node { name } } }
  albums(first: 10, filter: {likedByMe: true}) { edges { node { name } } }
  artists(first: 10, filter: {likedByMe: true}) { edges { node { name } } }
  playlists(first: 10, filter: {likedByMe: true}) { edges { node { name } } }
}"""


def _names(found: dict[str, Any]) -> dict[str, list[str]]:
    return {key: [e["node"]["name"] for e in value["edges"]] for key, value in found.items()}


async def test_liked_by_me_filters_each_list_to_the_viewers_likes_only(
    resources: Resources, gql: GraphQLClient
) -> None:
    me, other, ids = await _world(resources)
    mine = gql.with_token(await login(resources, me))
    theirs = gql.with_token(await login(resources, other))
    for kind in ("song", "album", "artist", "playlist"):
        await mine.query(LIKE, {"id": ids[kind]})
    expected = {
        "songs": ["Song A"],
        "albums": ["Album A"],
        "artists": ["Artist A"],
        "playlists": ["List A"],
    }
    assert _names(await mine.query(LIKED_LISTS)) == expected
    assert _names(await theirs.query(LIKED_LISTS)) == {key: [] for key in expected}
    body = await mine.execute(
        "query { genres(first: 5, filter: {likedByMe: true}) { totalCount } }"
    )
    assert code(body) == "BAD_USER_INPUT"
