"""The in-process cron scheduler (embedded default): runs arq's ``CronJob`` list itself.

With Redis, arq workers run the composition root's ``cron_jobs()``; without it, the API
process runs the very same list here, in a background task started by the app's lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from arq.cron import CronJob, cron
from arq.typing import WorkerCoroutine

from graphql_api.jobs.base import JobContext
from graphql_api.taskgroups import in_background

log = logging.getLogger(__name__)


async def _run_forever(ctx: JobContext, jobs: Sequence[Any]) -> None:
    now = dt.datetime.now(dt.UTC)
    for job in jobs:
        job.calculate_next(now)
    while True:
        upcoming = min(jobs, key=lambda job: job.next_run)
        delay = (upcoming.next_run - dt.datetime.now(dt.UTC)).total_seconds()
        await asyncio.sleep(max(0.0, delay))
        try:
            await upcoming.coroutine({**ctx, "job_id": f"cron:{upcoming.name}", "job_try": 1})
        except Exception:
            log.exception("cron job %s failed", upcoming.name)
        upcoming.calculate_next(upcoming.next_run + dt.timedelta(microseconds=1))


def every(function: WorkerCoroutine, interval_s: int, *, minute: int = 0) -> CronJob:
    """An arq ``CronJob`` running ``function`` about every ``interval_s`` (1 s to a day),
    one run per tick however many workers (``unique``). Hourly or longer runs start at
    ``minute`` past the hour, to keep apart from other hourly jobs."""
    if interval_s < 60:
        return cron(function, second=set(range(0, 60, interval_s)), unique=True)
    if interval_s < 3600:
        return cron(function, minute=set(range(0, 60, interval_s // 60)), second=0, unique=True)
    hours = set(range(0, 24, min(24, interval_s // 3600)))
    return cron(function, hour=hours, minute=minute % 60, second=0, unique=True)


@contextlib.asynccontextmanager
async def in_process_cron(ctx: JobContext, jobs: Sequence[Any]) -> AsyncIterator[None]:
    """Run ``jobs`` (arq ``CronJob``s) with ``ctx`` in this process for the block's duration."""
    if not jobs:
        yield
        return
    async with in_background(_run_forever(ctx, list(jobs)), "in-process-cron"):
        yield
