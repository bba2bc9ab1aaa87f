"""Fixtures shared by every test: settings per backend, resources, a running app."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from tests.support import databases
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.services import (
    REDIS_URL,
    postgres_reachable,
    redis_reachable,
    require,
)
from tests.support.spotify import emulator, spotify_resources, spotify_settings  # noqa: F401

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.make_sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    require("PostgreSQL", postgres_reachable())
    name = databases.make_postgres_template()
    yield name
    databases.drop_postgres_sync(name)


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> AsyncIterator[str]:
    """A migrated database of this test's own, on each backend in turn."""
    if request.param == "sqlite":
        yield databases.clone_sqlite(sqlite_template, tmp_path)
        return
    template = request.getfixturevalue("postgres_template")
    name = await databases.clone_postgres(template)
    try:
        yield databases.postgres_url(name)
    finally:
        await databases.drop_postgres(name)


@pytest.fixture
def redis_url() -> str:
    require("Redis", redis_reachable())
    return REDIS_URL


@pytest.fixture
def redis_prefix() -> str:
    return f"mixtape-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
async def _clean_redis_prefix(redis_prefix: str) -> AsyncIterator[None]:
    yield
    if not redis_reachable():
        return
    redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in redis.scan_iter(match=f"{redis_prefix}*", count=500)]
        keys += [key async for key in redis.scan_iter(match=f"arq:*{redis_prefix}*", count=500)]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


@pytest.fixture
def settings(database_url: str, redis_prefix: str, tmp_path: Path) -> Settings:
    """Embedded-default settings (in-process jobs and events) on this test's database."""
    # No now-playing polling unless a test asks for it (tests/listening does): a poller
    # would add Spotify calls to other tests' emulator counts.
    return Settings(
        database_url=database_url,
        redis_url=None,
        redis_prefix=redis_prefix,
        poll_enabled=False,
        # Nor the hourly release ingest (tests/releases run it themselves): at hh:23 it would
        # add app-token and new-release calls to any test's emulator counts.
        releases_enabled=False,
        # Demo mode's emulator keeps its tokens in this test's own folder, not ./var/.
        demo_state_path=tmp_path / "spotify-emulator.json",
    )


@pytest.fixture
async def resources(settings: Settings) -> AsyncIterator[Resources]:
    async with open_app_resources(settings) as built:
        yield built


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture
async def app_url(settings: Settings) -> AsyncIterator[str]:
    """The base URL of a real Mixtape app, served over a loopback socket."""
    async with serve(create_app(settings)) as url:
        yield url


@pytest.fixture
async def gql(app_url: str, http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(app_url, http)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many tests passed on each backend (the closing note reports these)."""
    passed = terminalreporter.stats.get("passed", [])
    counts = {"sqlite": 0, "postgres": 0, "redis": 0}
    for report in passed:
        if report.when != "call":
            continue
        if "sqlite" in report.nodeid:
            counts["sqlite"] += 1
        if "postgres" in report.nodeid:
            counts["postgres"] += 1
        if "redis" in report.keywords:
            counts["redis"] += 1
    terminalreporter.write_line(
        "backends: {sqlite} passed on SQLite, {postgres} on PostgreSQL, {redis} on Redis".format(
            **counts
        )
    )
