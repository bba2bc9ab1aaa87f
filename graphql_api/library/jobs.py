"""The library's job functions (arq's ``async def job(ctx, *args)`` convention)."""

from __future__ import annotations

from graphql_api.jobs.base import JobContext
from graphql_api.library.runner import run_snapshot
from graphql_api.resources import resources_of


async def snapshot_library(ctx: JobContext, snapshot_id: int) -> str | None:
    """Take snapshot ``snapshot_id`` (idempotent: a finished one is left alone)."""
    status = await run_snapshot(resources_of(ctx), snapshot_id)
    return status.value if status else None
