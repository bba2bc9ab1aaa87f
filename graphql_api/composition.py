"""The composition root: the one place that knows every domain and wires them in.

Infrastructure (``resources``, ``jobs``, ``events``, ``spotify``) knows no domain; the app
factory (``app.py``) and the arq worker settings (``workers/settings.py``) build a process
through this module: the job functions and cron jobs each domain defines, the store the
Spotify token manager is handed, and the background services a process runs for its life.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from arq import cron

from graphql_api.auth.prune import prune_auth
from graphql_api.auth.spotify_accounts import SqlTokenStore
from graphql_api.catalog.usage import register_song_usage
from graphql_api.history.jobs import import_history
from graphql_api.jobs import JobFunction
from graphql_api.jobs.cron import in_process_cron
from graphql_api.library.jobs import snapshot_library
from graphql_api.library.recovery import recovery_cron
from graphql_api.library.schedule import snapshot_schedules
from graphql_api.listening.loop import api_poller, worker_poller
from graphql_api.observability.jobs import observed, observed_cron
from graphql_api.observability.sampler import sampling
from graphql_api.playlists.usage import PLAYLIST_SONGS
from graphql_api.releases.jobs import ingest_releases, releases_cron
from graphql_api.resources import Resources, open_resources
from graphql_api.restore.jobs import restore_snapshot
from graphql_api.rooms.follower import following_rooms
from graphql_api.settings import Settings
from graphql_api.spotify.invalidation import forget_changed_links


def job_functions() -> dict[str, JobFunction]:
    """Every job function, keyed by the name it is enqueued under (arq and in-process)."""
    functions: list[JobFunction] = [
        snapshot_library,
        ingest_releases,
        import_history,
        restore_snapshot,
    ]
    # Each runs counted, timed, with its job id in the logs and its trace continued.
    return {function.__name__: observed(function) for function in functions}


def cron_jobs(settings: Settings) -> list[Any]:
    """arq ``CronJob``s; the in-process scheduler runs the same list without Redis."""
    # `unique` keeps two workers from running the same tick.
    jobs = [
        cron(snapshot_schedules, minute={0, 15, 30, 45}, second=0, unique=True),
        cron(prune_auth, minute={7}, second=0, unique=True),  # hourly
        recovery_cron(settings),
        *releases_cron(settings),
    ]
    return [observed_cron(job) for job in jobs]


def register_song_usages() -> None:
    """Tell the catalog which domains hold songs (``catalog/usage.py``), so that it never
    imports them: their members may see an own song they hold, and deleting a used song is
    a CONFLICT. Mixtape's playlists register here."""
    register_song_usage(PLAYLIST_SONGS)


def open_app_resources(settings: Settings) -> contextlib.AbstractAsyncContextManager[Resources]:
    """A process's resources, with the domains' job functions and token store wired in."""
    register_song_usages()
    return open_resources(settings, job_functions=job_functions(), token_store=SqlTokenStore)


@contextlib.asynccontextmanager
async def api_services(resources: Resources) -> AsyncIterator[None]:
    """What an API process runs beside requests for its whole life."""
    async with (
        forget_changed_links(resources.pubsub, resources.spotify.tokens),
        sampled_gauges(resources),
        # The now-playing poller and the cron jobs (scheduled library saves) run here on
        # the embedded default, in the worker otherwise.
        api_poller(resources),
        # Every API process follows the open rooms' hosts (rooms/follower.py).
        following_rooms(resources),
        # With Redis, arq workers run the cron jobs.
        in_process_cron(
            {"resources": resources},
            cron_jobs(resources.settings) if resources.redis is None else [],
        ),
    ):
        yield


@contextlib.asynccontextmanager
async def worker_services(resources: Resources) -> AsyncIterator[None]:
    """What an arq worker runs beside its jobs for its whole life."""
    async with (
        forget_changed_links(resources.pubsub, resources.spotify.tokens),
        sampled_gauges(resources),
        worker_poller(resources),
    ):
        yield


def sampled_gauges(resources: Resources) -> contextlib.AbstractAsyncContextManager[None]:
    """The Spotify budget, job queue and pool gauges, sampled for the process's life."""
    return sampling(resources.spotify.budget, resources.engine.pool, resources.queue.depth)
