"""The release radar's Atom feed: a feed library reads it; rotating revokes the old URL."""

from __future__ import annotations

import feedparser
import httpx
from pydantic import SecretStr

from graphql_api.releases import feed
from graphql_api.releases.ingest import run_ingest
from graphql_api.resources import Resources
from graphql_api.settings import Settings
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


async def test_after_a_key_rotation_the_feed_url_shown_is_always_the_one_that_works(
    releases_resources: Resources,
) -> None:
    old = releases_resources.settings
    new_key = SecretStr("a-new-secret-key-of-enough-length-0123456789")
    # Restarted with the new key, the old one kept to read what it wrote.
    restarted = old.model_copy(
        update={"secret_key": new_key, "previous_secret_keys": [old.secret_key]}
    )
    # Once the rotation ran, the old key dropped.
    rotated = old.model_copy(update={"secret_key": new_key, "previous_secret_keys": []})
    user_id = await new_user(releases_resources, "alice")

    async def shown(settings: Settings) -> str | None:
        async with releases_resources.sessionmaker() as session:
            return await feed.current_feed_url(session, settings, user_id)

    async def owner_of(url: str | None) -> int | None:
        assert url is not None
        token = url.rsplit("/", 1)[1].removesuffix(".atom")
        async with releases_resources.sessionmaker() as session:
            user = await feed.feed_owner(session, token)
        return user.id if user is not None else None

    async with releases_resources.sessionmaker() as session:
        first = await feed.rotate_feed(session, old, user_id)
        await session.commit()
    # Before `keys rotate`: the URL shown is still the old one, and it works.
    assert await shown(restarted) == first
    assert await owner_of(first) == user_id
    async with releases_resources.sessionmaker() as session:
        assert await feed.rederive_feeds(session, restarted) == (1, 0)
        await session.commit()
    second = await shown(restarted)
    assert second is not None
    assert second != first
    assert await shown(rotated) == second
    assert await owner_of(second) == user_id
    assert await owner_of(first) is None
    async with releases_resources.sessionmaker() as session:
        assert await feed.rederive_feeds(session, rotated) == (0, 0)  # run again: nothing
    # A server that knows none of the keys a feed was made under shows none (never a dead URL).
    stranger = old.model_copy(update={"secret_key": SecretStr("x" * 44)})
    assert await shown(stranger) is None
