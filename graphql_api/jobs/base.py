"""The job-queue interface.

Job functions follow arq's convention, ``async def job(ctx, *args)``, so the very same
function runs in an arq worker and in the in-process queue. ``ctx["resources"]`` holds
the process's :class:`~graphql_api.resources.Resources`. Jobs take ids, reload what
they need and must be idempotent: delivery is at least once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

JobContext = dict[str, Any]
JobFunction = Callable[..., Awaitable[Any]]


class JobQueue(Protocol):
    async def enqueue(
        self,
        function: str,
        *args: Any,
        job_id: str | None = None,
        defer_by: dt.timedelta | None = None,
    ) -> bool:
        """Queue ``function(*args)``.

        Returns False when a job with ``job_id`` is already queued or running.
        """
        ...

    async def depth(self) -> int:
        """Jobs queued or running (a gauge of ``docs/operations.md``)."""
        ...

    async def close(self) -> None: ...
