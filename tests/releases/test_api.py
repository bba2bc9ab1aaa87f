"""REST ``GET /api/artists/`` and GraphQL answer the same, from the database only."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from sqlalchemy import select
from strawberry.relay import GlobalID

from graphql_api.db.models import Album, Artist
from graphql_api.releases.ingest import run_ingest
from graphql_api.resources import Resources
from spotify_emulator.testing import EmulatorHandle
from tests.releases.conftest import follow, login, new_user, save_album_of
from tests.support.graphql_client import GraphQLClient

DOCUMENT = Path(__file__).resolve().parents[2] / "graphql_api" / "rest.openapi.yaml"

ARTISTS_QUERY = """
query ($limit: Int!) {
  releasesIngestedAt
  artistsWithNewReleases(releaseLimit: $limit) {
    artist { name uri imageUrl popularity }
    genres
    releases { album { name uri albumType releaseDate releaseDatePrecision totalTracks imageUrl } }
  }
}
"""


@cache
def _document() -> dict[str, Any]:
    return dict(yaml.safe_load(DOCUMENT.read_text(encoding="utf-8")))


def validate_answer(body: Any) -> None:
    """``body`` against the route's 200 schema in graphql_api/rest.openapi.yaml."""
    document = _document()
    schema = {"$ref": "#/components/schemas/ArtistsWithReleases", **document}
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(body)


@pytest.fixture
async def alice_token(releases_resources: Resources) -> str:
    return await login(releases_resources, await new_user(releases_resources, "alice"))


async def get_artists(
    http: httpx.AsyncClient, app: str, token: str, **params: Any
) -> httpx.Response:
    return await http.get(
        f"{app}/api/artists/", params=params, headers={"authorization": f"Bearer {token}"}
    )


async def test_rest_and_graphql_list_the_same_artists_and_releases_newest_first(
    releases_resources: Resources, releases_app: str, alice_token: str, http: httpx.AsyncClient
) -> None:
    await run_ingest(releases_resources)
    response = await get_artists(http, releases_app, alice_token, release_limit=10)
    assert response.status_code == 200
    body = response.json()
    validate_answer(body)
    assert response.headers["x-releases-ingested-at"] == body["releases_ingested_at"]
    graphql = await GraphQLClient(releases_app, http, alice_token).query(
        ARTISTS_QUERY, {"limit": 10}
    )
    rest_view = [
        (
            a["name"],
            f"spotify:artist:{a['id']}",
            a["popularity"],
            a["genres"],
            [(r["name"], r["type"], r["release_date"], r["total_tracks"]) for r in a["releases"]],
        )
        for a in body["artists"]
    ]
    graphql_view = [
        (
            a["artist"]["name"],
            a["artist"]["uri"],
            a["artist"]["popularity"],
            a["genres"],
            [
                (
                    r["album"]["name"],
                    r["album"]["albumType"],
                    r["album"]["releaseDate"],
                    r["album"]["totalTracks"],
                )
                for r in a["releases"]
            ],
        )
        for a in graphql["artistsWithNewReleases"]
    ]
    assert rest_view == graphql_view
    releases = [r for a in body["artists"] for r in a["releases"]]
    assert len({r["id"] for r in releases}) == 10
    newest_first = [r["release_date"] for r in body["artists"][0]["releases"]]
    assert newest_first == sorted(newest_first, reverse=True)


async def test_hundred_requests_make_no_call_to_spotify(
    releases_resources: Resources,
    releases_emulator: EmulatorHandle,
    releases_app: str,
    alice_token: str,
    http: httpx.AsyncClient,
) -> None:
    await run_ingest(releases_resources)
    await releases_emulator.reset_stats()
    graphql = GraphQLClient(releases_app, http, alice_token)
    for _ in range(100):
        assert (await get_artists(http, releases_app, alice_token)).status_code == 200
    await graphql.query(ARTISTS_QUERY, {"limit": 100})
    await graphql.query("{ newReleases(first: 100) { totalCount } }")
    await graphql.query("{ viewer { releaseRadar { totalCount } } }")
    assert (await releases_emulator.stats())["requests_total"] == 0


async def test_no_releases_yet_is_an_empty_list(
    releases_app: str, alice_token: str, http: httpx.AsyncClient
) -> None:
    response = await get_artists(http, releases_app, alice_token)
    assert response.status_code == 200
    assert response.json() == {"artists": [], "releases_ingested_at": None}
    validate_answer(response.json())


@pytest.mark.parametrize(
    ("params", "argument"),
    [
        ({"release_limit": 0}, "release_limit"),
        ({"release_limit": 101}, "release_limit"),
        ({"release_limit": "ten"}, "release_limit"),
        ({"since": "2026-13-01"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"album_type": "mixtape"}, "album_type"),
        ({"genre": "x" * 201}, "genre"),
        ({"since": "2026-02-01", "until": "2026-01-01"}, "since"),
    ],
)
async def test_bad_parameter_is_a_400_naming_it(
    releases_app: str,
    alice_token: str,
    http: httpx.AsyncClient,
    params: dict[str, Any],
    argument: str,
) -> None:
    response = await get_artists(http, releases_app, alice_token, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["argument"]) == ("BAD_USER_INPUT", argument)


async def test_anonymous_request_is_a_401(releases_app: str, http: httpx.AsyncClient) -> None:
    response = await http.get(f"{releases_app}/api/artists/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"


async def test_same_etag_in_if_none_match_gives_304_until_releases_change(
    releases_resources: Resources, releases_app: str, alice_token: str, http: httpx.AsyncClient
) -> None:
    first = await get_artists(http, releases_app, alice_token)
    assert "max-age" in first.headers["cache-control"]
    headers = {"authorization": f"Bearer {alice_token}", "if-none-match": first.headers["etag"]}
    unchanged = await http.get(f"{releases_app}/api/artists/", headers=headers)
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    await run_ingest(releases_resources)
    changed = await http.get(f"{releases_app}/api/artists/", headers=headers)
    assert changed.status_code == 200
    assert changed.headers["etag"] != first.headers["etag"]


RADAR = """
{ viewer { releaseRadar(first: 100) {
    totalCount edges { node {
      viewerHasSaved album { uri artists { edges { node { uri } } } } } } } } }
"""


async def test_release_radar_shows_each_user_the_releases_of_their_artists(
    releases_resources: Resources,
    releases_emulator: EmulatorHandle,
    releases_app: str,
    http: httpx.AsyncClient,
) -> None:
    await run_ingest(releases_resources)
    releases = releases_emulator.state.catalog.new_releases
    artists = {a["id"]: a for album in releases for a in album["artists"]}
    ids = sorted(artists)
    alice, bruno = await new_user(releases_resources, "a"), await new_user(releases_resources, "b")
    await follow(releases_resources, alice, [artists[ids[0]]])
    await follow(releases_resources, bruno, [artists[i] for i in ids[1:3]])
    by_alice = [a for a in releases if any(x["id"] == ids[0] for x in a["artists"])]
    async with releases_resources.sessionmaker() as session:
        saved_id = await session.scalar(
            select(Album.id).where(Album.spotify_id == by_alice[0]["id"])
        )
    assert saved_id is not None
    await save_album_of(releases_resources, alice, saved_id)

    async def radar(user_id: int) -> list[dict[str, Any]]:
        token = await login(releases_resources, user_id)
        data = await GraphQLClient(releases_app, http, token).query(RADAR)
        return [edge["node"] for edge in data["viewer"]["releaseRadar"]["edges"]]

    alice_radar, bruno_radar = await radar(alice), await radar(bruno)
    assert {n["album"]["uri"] for n in alice_radar} == {
        f"spotify:album:{a['id']}" for a in by_alice
    }
    assert [n["viewerHasSaved"] for n in alice_radar].count(True) == 1
    wanted = {f"spotify:artist:{i}" for i in ids[1:3]}
    assert bruno_radar
    assert all(
        wanted & {e["node"]["uri"] for e in n["album"]["artists"]["edges"]} for n in bruno_radar
    )
    assert not any(n["viewerHasSaved"] for n in bruno_radar)


ARTIST_RELEASES = """
query ($id: ID!) { node(id: $id) { ... on Artist { name releases(first: 50) {
  totalCount edges { node { album { uri } } } } } } }
"""


async def test_artist_releases_are_the_releases_crediting_the_artist_newest_first(
    releases_resources: Resources,
    releases_emulator: EmulatorHandle,
    releases_app: str,
    alice_token: str,
    http: httpx.AsyncClient,
) -> None:
    await run_ingest(releases_resources)
    album = releases_emulator.state.catalog.new_releases[0]
    spotify_id = album["artists"][0]["id"]
    expected = {
        f"spotify:album:{a['id']}"
        for a in releases_emulator.state.catalog.new_releases
        if any(x["id"] == spotify_id for x in a["artists"])
    }
    async with releases_resources.sessionmaker() as session:
        artist_id = await session.scalar(select(Artist.id).where(Artist.spotify_id == spotify_id))
    node_id = str(GlobalID("Artist", str(artist_id)))
    client = GraphQLClient(releases_app, http, alice_token)
    found = (await client.query(ARTIST_RELEASES, {"id": node_id}))["node"]["releases"]
    assert found["totalCount"] == len(expected)
    assert {e["node"]["album"]["uri"] for e in found["edges"]} == expected
