"""Every job function and cron job Mixtape has, by name.

Both the arq worker and the in-process queue read this list, so a job defined
in a domain module runs the same way on either.
"""

from __future__ import annotations

from typing import Any

from graphql_api.jobs.base import JobFunction
from graphql_api.settings import Settings


def job_functions() -> dict[str, JobFunction]:
    """The job functions, keyed by the name they are enqueued under."""
    # Imported here: job modules use the resources, which import this registry.
    from graphql_api.library.jobs import snapshot_library

    functions: list[JobFunction] = [snapshot_library]
    return {function.__name__: function for function in functions}


def cron_jobs(settings: Settings) -> list[Any]:
    """arq ``CronJob``s; the in-process scheduler runs the same list."""
    from arq import cron

    from graphql_api.library.recovery import recovery_cron
    from graphql_api.library.schedule import snapshot_schedules

    # Every quarter hour; `unique` keeps two workers from running the same tick.
    return [
        cron(snapshot_schedules, minute={0, 15, 30, 45}, second=0, unique=True),
        recovery_cron(settings),
    ]
