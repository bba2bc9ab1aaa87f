"""What a Mixtape process shares: built once at start-up, closed once at shutdown.

The API's lifespan and the arq worker's ``on_startup`` both build their resources
here, so a job sees the same database, HTTP client and pub/sub in either.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from arq.connections import ArqRedis, RedisSettings, create_pool
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from graphql_api.db.engine import create_engine, create_sessionmaker
from graphql_api.events import MemoryPubSub, PubSub, RedisPubSub
from graphql_api.jobs import InProcessQueue, JobQueue
from graphql_api.jobs.arq import ArqQueue, queue_name
from graphql_api.jobs.registry import job_functions
from graphql_api.settings import Settings

log = logging.getLogger(__name__)

SPOTIFY_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    pubsub: PubSub
    queue: JobQueue
    redis: ArqRedis | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def redis_settings(url: str) -> RedisSettings:
    return RedisSettings.from_dsn(url)


@contextlib.asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[Resources]:
    """Build the shared resources for ``settings`` and close them all on exit."""
    engine = create_engine(settings.database_url, pgbouncer=settings.database_pgbouncer)
    http = httpx.AsyncClient(
        timeout=SPOTIFY_TIMEOUT,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        headers={"user-agent": "Mixtape"},
    )
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
        else InProcessQueue(job_functions(), ctx)
    )
    resources = Resources(
        settings=settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        http=http,
        pubsub=pubsub,
        queue=queue,
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
