"""The wrapper every job function runs in: metrics, log context and the job's span.

The composition root wraps each job and cron function with ``observed``; arq and the
in-process queue then run the wrapper, which keeps the function's name.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from arq.worker import Retry

from graphql_api.observability import context, tracing
from graphql_api.observability.metrics import JOB_DURATION, JOBS

log = logging.getLogger(__name__)

# arq's convention (graphql_api/jobs/base.py), restated: observability imports no sibling.
JobFunction = Callable[..., Awaitable[Any]]
JobContext = dict[str, Any]


def observed(function: JobFunction) -> JobFunction:
    """``function`` counted (``mixtape_jobs_total``), timed, logged with its job id and
    traced as a child of what enqueued it."""
    name = getattr(function, "__name__", "job")

    @functools.wraps(function)
    async def run(ctx: JobContext, *args: Any, **kwargs: Any) -> Any:
        carrier = kwargs.pop(tracing.CARRIER_KWARG, None)
        job_id = ctx.get("job_id")
        job = str(job_id) if job_id is not None else None
        started = time.perf_counter()
        outcome = "error"
        with context.bound(job=job), tracing.job_span(name, carrier, job):
            try:
                result = await function(ctx, *args, **kwargs)
            except Retry:
                outcome = "retry"
                raise
            except asyncio.CancelledError:
                outcome = "cancelled"
                raise
            else:
                outcome = "ok"
                return result
            finally:
                elapsed = time.perf_counter() - started
                JOBS.labels(name, outcome).inc()
                JOB_DURATION.labels(name).observe(elapsed)
                log.info("job %s: %s in %.2fs", name, outcome, elapsed)

    return run


def observed_cron(job: Any) -> Any:
    """An arq ``CronJob`` whose coroutine runs through ``observed``."""
    return dataclasses.replace(job, coroutine=observed(job.coroutine))
