"""The release radar's Atom feed: a feed library reads it; rotating revokes the old URL."""

from __future__ import annotations

import feedparser
import httpx

from graphql_api.releases.ingest import run_ingest
from graphql_api.resources import Resources
from spotify_emulator.testing import EmulatorHandle
from tests.releases.conftest import follow, login, new_user
from tests.support.graphql_client import GraphQLClient

ROTATE = "mutation { rotateReleaseFeedUrl }"
FEED_URL = "{ viewer { releaseFeedUrl releaseRadar { totalCount } } }"


async def test_feed_parses_as_atom_with_the_radar_and_rotating_revokes_the_old_url(
    releases_resources: Resources,
    releases_emulator: EmulatorHandle,
    releases_app: str,
    http: httpx.AsyncClient,
) -> None:
    await run_ingest(releases_resources)
    album = releases_emulator.state.catalog.new_releases[0]
    user_id = await new_user(releases_resources, "alice")
    await follow(releases_resources, user_id, album["artists"][:1])
    client = GraphQLClient(releases_app, http, await login(releases_resources, user_id))
    assert (await client.query(FEED_URL))["viewer"]["releaseFeedUrl"] is None
    url = (await client.query(ROTATE))["rotateReleaseFeedUrl"]
    viewer = (await client.query(FEED_URL))["viewer"]
    assert viewer["releaseFeedUrl"] == url
    # The app's public URL is the configured one; the test server listens elsewhere.
    path = url.split("/feeds/", 1)[1]
    response = await http.get(f"{releases_app}/feeds/{path}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    assert len(parsed.entries) == viewer["releaseRadar"]["totalCount"] > 0
    assert any(album["id"] in entry.link for entry in parsed.entries)
    await client.query(ROTATE)
    assert (await http.get(f"{releases_app}/feeds/{path}")).status_code == 404


async def test_unknown_feed_is_a_404_json(releases_app: str, http: httpx.AsyncClient) -> None:
    response = await http.get(f"{releases_app}/feeds/releases/{'x' * 43}.atom")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
