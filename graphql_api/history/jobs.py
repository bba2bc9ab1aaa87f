"""The history domain's job functions (arq's ``async def job(ctx, *args)`` convention)."""

from __future__ import annotations

from graphql_api.history.runner import run_import
from graphql_api.jobs.base import JobContext
from graphql_api.resources import resources_of


async def import_history(ctx: JobContext, import_id: int) -> str | None:
    """Run or resume import ``import_id`` (idempotent: a finished one is left alone)."""
    status = await run_import(resources_of(ctx), import_id)
    return status.value if status else None
