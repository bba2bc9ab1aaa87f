"""New releases as events: the ingest announces them; the subscription passes on the radar's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.db.models import Album, Release
from graphql_api.releases.events import CHANNEL, announced
from graphql_api.releases.ingest import run_ingest
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.releases.conftest import follow, login, new_user
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve

SUBSCRIPTION = "subscription { newReleases { viewerHasSaved album { uri } } }"


async def test_ingest_announces_each_release_it_recorded_once_committed(
    releases_resources: Resources,
) -> None:
    batches: list[list[int]] = []
    started = asyncio.Event()

    async def listen() -> None:
        stream = announced(releases_resources.pubsub)
        first = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0)  # the generator has subscribed once it waits for a message
        started.set()
        batches.append(await first)
        await stream.aclose()

    listener = asyncio.create_task(listen())
    await started.wait()
    await run_ingest(releases_resources)
    await asyncio.wait_for(listener, 10)
    async with releases_resources.sessionmaker() as session:
        recorded = set(await session.scalars(select(Release.id)))
    assert set(batches[0]) == recorded


@pytest.fixture
async def redis_app(
    releases_settings: Settings, redis_url: str
) -> AsyncIterator[tuple[str, Resources]]:
    settings = releases_settings.model_copy(update={"redis_url": redis_url})
    async with open_app_resources(settings) as resources, serve(create_app(settings)) as url:
        yield url, resources


@pytest.mark.redis
async def test_subscriber_gets_the_new_releases_of_their_artists_only(
    redis_app: tuple[str, Resources], releases_emulator: EmulatorHandle, http: httpx.AsyncClient
) -> None:
    url, resources = redis_app
    await run_ingest(resources)
    album = releases_emulator.state.catalog.new_releases[0]
    user_id = await new_user(resources, "alice")
    await follow(resources, user_id, album["artists"][:1])
    async with resources.sessionmaker() as session:
        ids = list(await session.scalars(select(Release.id).order_by(Release.id)))
        mine = await session.scalar(
            select(Release.id)
            .join(Album, Album.id == Release.album_id)
            .where(Album.spotify_id == album["id"])
        )
    client = GraphQLClient(url, http, await login(resources, user_id))
    async with client.websocket() as ws:
        operation = await ws.subscribe(SUBSCRIPTION)
        # The subscription starts listening a moment after `subscribe`: announce every
        # release again until one arrives.
        for _ in range(50):
            await resources.pubsub.publish(CHANNEL, {"release_ids": ids})
            try:
                payload = await ws.next_payload(operation, timeout=0.5)
                break
            except TimeoutError:
                continue
        else:
            raise AssertionError("no release arrived")
    node = payload["data"]["newReleases"]
    assert mine is not None
    assert node == {"viewerHasSaved": False, "album": {"uri": f"spotify:album:{album['id']}"}}
