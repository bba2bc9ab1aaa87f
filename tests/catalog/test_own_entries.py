"""Own catalog entries over HTTP: create, relate, credit, list, and who may see them."""

from __future__ import annotations

from typing import Any

from tests.auth.conftest import error_code
from tests.support.graphql_client import GraphQLClient

CREATE_SONG = """mutation($input: SongInput!) { createSong(input: $input) { id name source
  isPublic ownedByMe durationMs } }"""
CREATE_ALBUM = (
    "mutation($input: AlbumInput!) { createAlbum(input: $input) { id name releaseYear } }"
)
CREATE_ARTIST = "mutation($input: ArtistInput!) { createArtist(input: $input) { id name } }"
CREATE_GENRE = "mutation($input: GenreInput!) { createGenre(input: $input) { id name } }"
SET_CREDITS = """mutation($song: ID!, $credits: [CreditInput!]!) {
  setSongCredits(songId: $song, credits: $credits) { id } }"""
SET_TRACKS = """mutation($album: ID!, $tracks: [AlbumTrackInput!]!) {
  setAlbumTracks(albumId: $album, tracks: $tracks) { id } }"""
ADD_TRACK = """mutation($album: ID!, $track: AlbumTrackInput!) {
  addAlbumTrack(albumId: $album, track: $track) { id } }"""
SONG = """query($id: ID!) { node(id: $id) { ... on Song { name
  artists { totalCount nodes { name } }
  albums { totalCount edges { discNumber trackNumber node { name } } }
  genres { totalCount nodes { name } }
  credits { totalCount edges { role position artist { name } } } } } }"""
ALBUM = """query($id: ID!) { node(id: $id) { ... on Album { name totalDurationMs
  songs { totalCount edges { discNumber trackNumber node { name } } }
  artists { nodes { name } } genres { nodes { name } } } } }"""
ARTIST = """query($id: ID!) { node(id: $id) { ... on Artist { name songCount albumCount
  songs { nodes { name } } albums { nodes { name } }
  produced: credits(role: PRODUCER) { totalCount edges { role song { name } } }
  credits { totalCount } } } }"""
GENRE = """query($id: ID!) { node(id: $id) { ... on Genre { name
  songs { nodes { name } } albums { nodes { name } } artists { nodes { name } } } } }"""
UPDATE_SONG = """mutation($id: ID!, $input: SongInput!) { updateSong(id: $id, input: $input) {
  id isPublic } }"""
SONGS = """query($filter: CatalogFilter) { songs(filter: $filter) { totalCount nodes { name } } }"""


async def _create(client: GraphQLClient, query: str, **fields: Any) -> str:
    data = await client.query(query, {"input": fields})
    created: dict[str, Any] = next(iter(data.values()))
    return str(created["id"])


async def _music(ada: GraphQLClient) -> dict[str, str]:
    ids = {
        "genre": await _create(ada, CREATE_GENRE, name="Basement Jazz"),
        "nina": await _create(ada, CREATE_ARTIST, name="Nina"),
        "quincy": await _create(ada, CREATE_ARTIST, name="Quincy"),
    }
    ids["album"] = await _create(
        ada,
        CREATE_ALBUM,
        name="Live at Home",
        releaseYear=1999,
        artistIds=[ids["nina"]],
        genreIds=[ids["genre"]],
    )
    ids["intro"] = await _create(
        ada, CREATE_SONG, name="Intro", durationMs=60_000, genreIds=[ids["genre"]]
    )
    ids["outro"] = await _create(ada, CREATE_SONG, name="Outro", durationMs=90_000)
    credits = [
        {"artistId": ids["nina"], "role": "PERFORMER"},
        {"artistId": ids["quincy"], "role": "FEATURED"},
        {"artistId": ids["quincy"], "role": "PRODUCER"},
    ]
    await ada.query(SET_CREDITS, {"song": ids["intro"], "credits": credits})
    tracks = [
        {"songId": ids["outro"], "discNumber": 2, "trackNumber": 1},
        {"songId": ids["intro"], "discNumber": 1, "trackNumber": 1},
    ]
    await ada.query(SET_TRACKS, {"album": ids["album"], "tracks": tracks})
    return ids


async def test_own_entries_are_related_both_ways(ada: GraphQLClient) -> None:
    ids = await _music(ada)

    song = (await ada.query(SONG, {"id": ids["intro"]}))["node"]
    assert song["artists"] == {"totalCount": 2, "nodes": [{"name": "Nina"}, {"name": "Quincy"}]}
    assert song["albums"]["edges"] == [
        {"discNumber": 1, "trackNumber": 1, "node": {"name": "Live at Home"}}
    ]
    assert song["genres"]["nodes"] == [{"name": "Basement Jazz"}]
    assert [(e["role"], e["position"], e["artist"]["name"]) for e in song["credits"]["edges"]] == [
        ("PERFORMER", 0, "Nina"),
        ("FEATURED", 0, "Quincy"),
        ("PRODUCER", 0, "Quincy"),
    ]

    album = (await ada.query(ALBUM, {"id": ids["album"]}))["node"]
    assert album["totalDurationMs"] == 150_000
    assert [
        (e["discNumber"], e["trackNumber"], e["node"]["name"]) for e in album["songs"]["edges"]
    ] == [
        (1, 1, "Intro"),
        (2, 1, "Outro"),
    ]
    assert album["artists"]["nodes"] == [{"name": "Nina"}]
    assert album["genres"]["nodes"] == [{"name": "Basement Jazz"}]

    quincy = (await ada.query(ARTIST, {"id": ids["quincy"]}))["node"]
    assert quincy["songCount"] == 1
    assert quincy["albumCount"] == 0
    assert quincy["songs"]["nodes"] == [{"name": "Intro"}]
    assert quincy["produced"] == {
        "totalCount": 1,
        "edges": [{"role": "PRODUCER", "song": {"name": "Intro"}}],
    }
    assert quincy["credits"]["totalCount"] == 2
    nina = (await ada.query(ARTIST, {"id": ids["nina"]}))["node"]
    assert (nina["songCount"], nina["albumCount"]) == (1, 1)

    genre = (await ada.query(GENRE, {"id": ids["genre"]}))["node"]
    assert genre["songs"]["nodes"] == [{"name": "Intro"}]
    assert genre["albums"]["nodes"] == [{"name": "Live at Home"}]
    assert genre["artists"]["nodes"] == []


async def test_private_entries_are_invisible_to_others_until_public(
    ada: GraphQLClient, bob: GraphQLClient
) -> None:
    song = await _create(ada, CREATE_SONG, name="Bootleg", durationMs=1000)

    assert (await bob.query(SONG, {"id": song}))["node"] is None
    assert (await bob.query(SONGS, {"filter": {"source": "MIXTAPE"}}))["songs"]["totalCount"] == 0
    assert error_code(await bob.execute(UPDATE_SONG, {"id": song, "input": {"name": "x"}})) == (
        "NOT_FOUND"
    )

    await ada.query(UPDATE_SONG, {"id": song, "input": {"isPublic": True}})
    assert (await bob.query(SONG, {"id": song}))["node"]["name"] == "Bootleg"
    assert (await bob.query(SONGS, {"filter": {"source": "MIXTAPE"}}))["songs"]["nodes"] == [
        {"name": "Bootleg"}
    ]
    assert error_code(await bob.execute(UPDATE_SONG, {"id": song, "input": {"name": "x"}})) == (
        "FORBIDDEN"
    )
    delete = "mutation($id: ID!) { deleteSong(id: $id) }"
    assert error_code(await bob.execute(delete, {"id": song})) == "FORBIDDEN"
    assert (await ada.query(delete, {"id": song}))["deleteSong"] == song
    assert (await ada.query(SONG, {"id": song}))["node"] is None


async def test_bad_input_is_refused_and_writes_nothing(ada: GraphQLClient) -> None:
    for fields in (
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 201},
        {"name": "ok", "durationMs": -1},
        {"name": "ok", "genreIds": ["R2VucmU6OTk5OTk="]},  # Genre:99999
        {},  # a new entry needs a name
        {"name": None, "durationMs": 1000},
    ):
        body = await ada.execute(CREATE_SONG, {"input": fields})
        assert error_code(body) in {"BAD_USER_INPUT", "NOT_FOUND"}, (fields, body)
    assert (await ada.query(SONGS, {"filter": {"ownedByMe": True}}))["songs"]["totalCount"] == 0


async def test_albums_artists_and_genres_without_a_name_are_refused(ada: GraphQLClient) -> None:
    for mutation in ("createAlbum", "createArtist", "createGenre"):
        body = await ada.execute(
            f"mutation($input: {mutation[6:]}Input!) {{ {mutation}(input: $input) {{ id }} }}",
            {"input": {}},
        )
        assert error_code(body) == "BAD_USER_INPUT", (mutation, body)


async def test_credits_that_repeat_an_artist_are_refused(ada: GraphQLClient) -> None:
    ids = await _music(ada)
    for credits in (
        [{"artistId": ids["nina"], "role": "PRODUCER"}] * 2,
        [
            {"artistId": ids["nina"], "role": "PERFORMER"},
            {"artistId": ids["nina"], "role": "FEATURED"},
        ],
    ):
        body = await ada.execute(SET_CREDITS, {"song": ids["intro"], "credits": credits})
        assert error_code(body) == "BAD_USER_INPUT"
    song = (await ada.query(SONG, {"id": ids["intro"]}))["node"]
    assert song["credits"]["totalCount"] == 3


async def test_a_taken_album_slot_is_a_conflict(ada: GraphQLClient) -> None:
    ids = await _music(ada)
    body = await ada.execute(
        ADD_TRACK,
        {
            "album": ids["album"],
            "track": {"songId": ids["outro"], "discNumber": 1, "trackNumber": 1},
        },
    )
    assert error_code(body) == "CONFLICT"
    twice = [
        {"songId": ids["intro"], "trackNumber": 3},
        {"songId": ids["outro"], "trackNumber": 3},
    ]
    assert error_code(await ada.execute(SET_TRACKS, {"album": ids["album"], "tracks": twice})) == (
        "CONFLICT"
    )
    album = (await ada.query(ALBUM, {"id": ids["album"]}))["node"]
    assert album["songs"]["totalCount"] == 2


async def test_genre_names_are_unique_per_owner(ada: GraphQLClient, bob: GraphQLClient) -> None:
    await _create(ada, CREATE_GENRE, name="Dub")
    assert error_code(await ada.execute(CREATE_GENRE, {"input": {"name": "Dub"}})) == "CONFLICT"
    await _create(bob, CREATE_GENRE, name="Dub")


async def test_anonymous_viewers_cannot_write(gql: GraphQLClient) -> None:
    body = await gql.execute(CREATE_SONG, {"input": {"name": "x"}})
    assert error_code(body) == "UNAUTHENTICATED"


async def test_an_own_album_becomes_its_own_songs_primary_album(ada: GraphQLClient) -> None:
    ids = await _music(ada)
    primary = "query($id: ID!) { node(id: $id) { ... on Song { album { name } trackNumber } } }"
    assert (await ada.query(primary, {"id": ids["outro"]}))["node"] == {
        "album": {"name": "Live at Home"},
        "trackNumber": 1,
    }
    of_1999 = await ada.query(SONGS, {"filter": {"releaseYear": {"min": 1999, "max": 1999}}})
    assert sorted(n["name"] for n in of_1999["songs"]["nodes"]) == ["Intro", "Outro"]
    remove = """mutation($album: ID!) {
      removeAlbumTrack(albumId: $album, discNumber: 2, trackNumber: 1) { id } }"""
    await ada.query(remove, {"album": ids["album"]})
    assert (await ada.query(primary, {"id": ids["outro"]}))["node"]["album"] is None
    assert error_code(await ada.execute(remove, {"album": ids["album"]})) == "NOT_FOUND"
