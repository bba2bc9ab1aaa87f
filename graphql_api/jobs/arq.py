"""The arq job queue (production: Redis, any number of workers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from arq.connections import ArqRedis

from graphql_api.observability.tracing import job_carrier


class ArqQueue:
    def __init__(self, redis: ArqRedis, queue_name: str) -> None:
        self._redis = redis
        self.queue_name = queue_name

    async def enqueue(
        self,
        function: str,
        *args: Any,
        job_id: str | None = None,
        defer_by: dt.timedelta | None = None,
    ) -> bool:
        job = await self._redis.enqueue_job(
            function,
            *args,
            _job_id=job_id,
            _queue_name=self.queue_name,
            _defer_by=defer_by,
            # The enqueuing request's trace, continued by the job (observability/tracing.py).
            **job_carrier(),
        )
        return job is not None

    async def depth(self) -> int:
        return int(await self._redis.zcard(self.queue_name))

    async def close(self) -> None:
        # The Redis connection belongs to the resources, which close it.
        return None


def queue_name(prefix: str) -> str:
    return f"{prefix}:queue"
