"""Jobs run as asyncio tasks in this process (the embedded default, no Redis).

It keeps arq's contract where it matters: unique ``job_id``s, ``arq.Retry`` with
a deferral, ``max_tries``, and a ctx carrying ``job_id`` and ``job_try``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from arq.worker import Retry

from graphql_api.jobs.base import JobContext, JobFunction
from graphql_api.observability.tracing import job_carrier

log = logging.getLogger(__name__)


class InProcessQueue:
    def __init__(
        self, functions: Mapping[str, JobFunction], ctx: JobContext, *, max_tries: int = 5
    ) -> None:
        self._functions = functions
        self._ctx = ctx
        self._max_tries = max_tries
        self._tasks: dict[str, asyncio.Task[None]] = {}

    async def enqueue(
        self,
        function: str,
        *args: Any,
        job_id: str | None = None,
        defer_by: dt.timedelta | None = None,
    ) -> bool:
        if function not in self._functions:
            raise LookupError(f"no job function named {function!r}")
        job_id = job_id or uuid.uuid4().hex
        if job_id in self._tasks:
            return False
        delay = defer_by.total_seconds() if defer_by else 0.0
        # The job continues the enqueuing request's trace through the carrier, as under arq,
        # not through the context the task would inherit.
        kwargs = job_carrier()
        task = asyncio.create_task(
            self._run(job_id, function, args, kwargs, delay), name=f"job:{job_id}"
        )
        self._tasks[job_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(job_id, None))
        return True

    async def _run(
        self,
        job_id: str,
        function: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        delay: float,
    ) -> None:
        for job_try in range(1, self._max_tries + 1):
            if delay:
                await asyncio.sleep(delay)
            ctx = {**self._ctx, "job_id": job_id, "job_try": job_try}
            try:
                await self._functions[function](ctx, *args, **kwargs)
            except Retry as retry:
                delay = _seconds(retry.defer_score)
                log.info("job %s (%s) asked to retry in %.1fs", job_id, function, delay)
                continue
            except Exception:
                log.exception("job %s (%s) failed", job_id, function)
            return
        log.error("job %s (%s) gave up after %d tries", job_id, function, self._max_tries)

    async def depth(self) -> int:
        return len(self._tasks)

    async def join(self) -> None:
        """Wait until every queued job has finished (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._tasks.clear()


def _seconds(defer_score_ms: int | None) -> float:
    return (defer_score_ms or 0) / 1000
