"""The ingest as a job: an arq cron job in the worker, in-process on the embedded default."""

from __future__ import annotations

from typing import Any

from arq.cron import CronJob

from graphql_api.jobs.base import JobContext
from graphql_api.jobs.cron import every
from graphql_api.releases.ingest import run_ingest
from graphql_api.resources import resources_of
from graphql_api.settings import Settings

# Hourly runs start at this minute: apart from the other hourly jobs (prune at :07).
MINUTE = 23


async def ingest_releases(ctx: JobContext) -> dict[str, Any]:
    """Cron job: one ingest run (idempotent; two at once record each release once)."""
    report = await run_ingest(resources_of(ctx))
    return {
        "source": report.source,
        "releases_added": report.releases_added,
        "error": report.error_code,
    }


def releases_cron(settings: Settings) -> list[CronJob]:
    """The ingest's ``CronJob`` every ``releases_interval_s`` (none when disabled)."""
    if not settings.releases_enabled:
        return []
    return [every(ingest_releases, settings.releases_interval_s, minute=MINUTE)]
