"""The restore domain's job functions (arq's ``async def job(ctx, *args)`` convention)."""

from __future__ import annotations

from graphql_api.jobs.base import JobContext
from graphql_api.resources import resources_of
from graphql_api.restore.runner import run_restore


async def restore_snapshot(ctx: JobContext, restore_id: int) -> str | None:
    """Run or resume restore ``restore_id`` (idempotent: a finished one is left alone)."""
    status = await run_restore(resources_of(ctx), restore_id)
    return status.value if status else None
