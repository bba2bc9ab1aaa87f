"""Gauges read by looking, every few seconds: the Spotify budget, the job queue, the pool.

A background task of each process (API and worker) samples them, so they are fresh however
the metrics are scraped (the app's ``/metrics``, the metrics port, several processes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

from graphql_api.observability.metrics import (
    DB_POOL,
    JOB_QUEUE_DEPTH,
    SPOTIFY_BUDGET_USAGE,
    recording,
)
from graphql_api.taskgroups import in_background

log = logging.getLogger(__name__)

INTERVAL_S = 5.0


class _Budget(Protocol):
    async def usage(self) -> float: ...


def pool_in_use(pool: Any) -> tuple[int, int] | None:
    """``(in use, idle)`` connections of a SQLAlchemy pool, if it keeps count."""
    checked_out = getattr(pool, "checkedout", None)
    checked_in = getattr(pool, "checkedin", None)
    if not callable(checked_out) or not callable(checked_in):
        return None
    return int(checked_out()), int(checked_in())


async def sample_once(
    budget: _Budget, pool: Any, queue_depth: Callable[[], Awaitable[int]]
) -> None:
    """Set the sampled gauges once."""
    SPOTIFY_BUDGET_USAGE.set(await budget.usage())
    JOB_QUEUE_DEPTH.set(await queue_depth())
    counts = pool_in_use(pool)
    if counts is not None:
        DB_POOL.labels("in_use").set(counts[0])
        DB_POOL.labels("idle").set(counts[1])


@contextlib.asynccontextmanager
async def sampling(
    budget: _Budget,
    pool: Any,
    queue_depth: Callable[[], Awaitable[int]],
    interval_s: float = INTERVAL_S,
) -> AsyncIterator[None]:
    """Sample the gauges every ``interval_s`` for the block's duration (when recording)."""
    if not recording():
        yield
        return

    async def loop() -> None:
        while True:
            try:
                await sample_once(budget, pool, queue_depth)
            except Exception:  # a Redis hiccup must not end the sampling
                log.warning("sampling the gauges failed", exc_info=True)
            await asyncio.sleep(interval_s)

    async with in_background(loop(), "metrics-sampler"):
        yield
