"""What a Mixtape process shares: built once at start-up, closed once at shutdown.

Infrastructure only: it knows no domain. The composition root
(``graphql_api/composition.py``) hands in what the domains provide (the job functions, the
store of Spotify tokens) and the API's lifespan and the arq worker's ``on_startup`` both
open their resources through it, so a job sees the same database, HTTP client, pub/sub
and Spotify services in either.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from arq.connections import ArqRedis, RedisSettings, create_pool
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from graphql_api.db.engine import create_engine, create_reader, create_sessionmaker
from graphql_api.events import MemoryPubSub, PubSub, RedisPubSub
from graphql_api.jobs import InProcessQueue, JobFunction, JobQueue
from graphql_api.jobs.arq import ArqQueue, queue_name
from graphql_api.observability.tracing import instrument_engine, instrument_http
from graphql_api.oidc import OidcServices
from graphql_api.settings import Settings
from graphql_api.spotify import SpotifyServices, TokenStore

log = logging.getLogger(__name__)

SPOTIFY_TIMEOUT = httpx.Timeout(10.0, connect=5.0)

TokenStoreFactory = Callable[[async_sessionmaker[AsyncSession], Settings], TokenStore]


@dataclass(frozen=True)
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    # Sessions that only read (db/engine.py: on SQLite they never wait for the writer).
    reader: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    pubsub: PubSub
    queue: JobQueue
    spotify: SpotifyServices
    # The OpenID Connect providers people may sign in with (MIXTAPE_OIDC_PROVIDERS).
    oidc: OidcServices
    redis: ArqRedis | None = None


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


@contextlib.asynccontextmanager
async def open_resources(
    settings: Settings,
    *,
    job_functions: Mapping[str, JobFunction],
    token_store: TokenStoreFactory,
) -> AsyncIterator[Resources]:
    """Build the shared resources for ``settings`` and close them all on exit.

    ``job_functions`` run in this process when there is no Redis (with Redis, arq workers
    run them); ``token_store`` makes the store the Spotify token manager reads and writes.
    """
    engine = create_engine(settings.database_url, pgbouncer=settings.database_pgbouncer)
    sessionmaker = create_sessionmaker(engine)
    http = httpx.AsyncClient(
        timeout=SPOTIFY_TIMEOUT,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        headers={"user-agent": "Mixtape"},
    )
    # Traced only when tracing is on (MIXTAPE_OTEL_ENDPOINT).
    instrument_engine(engine)
    instrument_http(http)
    redis: ArqRedis | None = None
    if settings.redis_url:
        redis = await create_pool(redis_settings(settings.redis_url))
    pubsub: PubSub = (
        RedisPubSub(redis, settings.redis_prefix) if redis is not None else MemoryPubSub()
    )
    ctx: dict[str, Any] = {}
    queue: JobQueue = (
        ArqQueue(redis, queue_name(settings.redis_prefix))
        if redis is not None
        else InProcessQueue(job_functions, ctx)
    )
    resources = Resources(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        reader=create_reader(engine),
        http=http,
        pubsub=pubsub,
        queue=queue,
        spotify=SpotifyServices.build(
            http, settings, token_store(sessionmaker, settings), pubsub, redis
        ),
        oidc=OidcServices.build(http, settings),
        redis=redis,
    )
    ctx["resources"] = resources
    try:
        yield resources
    finally:
        await queue.close()
        await pubsub.close()
        await http.aclose()
        if redis is not None:
            await redis.aclose()
        await engine.dispose()


def resources_of(ctx: dict[str, Any]) -> Resources:
    """The resources inside a job's ctx."""
    resources = ctx["resources"]
    assert isinstance(resources, Resources)
    return resources
