"""arq ``WorkerSettings`` for Mixtape, built from :class:`~graphql_api.settings.Settings`."""

from __future__ import annotations

import contextlib
from typing import Any

from arq.worker import Worker

from graphql_api.composition import (
    cron_jobs,
    job_functions,
    open_app_resources,
    worker_services,
)
from graphql_api.jobs.arq import queue_name
from graphql_api.observability.exposition import serve_metrics_port
from graphql_api.observability.metrics import record
from graphql_api.observability.tracing import configure_tracing
from graphql_api.resources import redis_settings
from graphql_api.settings import Settings, get_settings


async def on_startup(ctx: dict[str, Any]) -> None:
    stack = contextlib.AsyncExitStack()
    settings = ctx["mixtape_settings"]
    # Traces when MIXTAPE_OTEL_ENDPOINT is set; the worker's own metrics on
    # MIXTAPE_METRICS_PORT (it serves no HTTP otherwise).
    configure_tracing(settings)
    record(settings.metrics_enabled)
    port = serve_metrics_port(settings)
    if port is not None:
        stack.callback(port.server_close)
        stack.callback(port.shutdown)
    ctx["resources"] = await stack.enter_async_context(open_app_resources(ctx["mixtape_settings"]))
    # The now-playing poller (and the like) run beside the jobs for the worker's whole life.
    await stack.enter_async_context(worker_services(ctx["resources"]))
    ctx["exit_stack"] = stack


async def on_shutdown(ctx: dict[str, Any]) -> None:
    stack = ctx.pop("exit_stack", None)
    if stack is not None:
        await stack.aclose()


def worker_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for :class:`arq.worker.Worker` under ``settings``."""
    if not settings.redis_url:
        raise RuntimeError(
            "MIXTAPE_REDIS_URL is not set: the embedded default runs jobs in-process"
        )
    return {
        "functions": list(job_functions().values()),
        "cron_jobs": cron_jobs(settings),
        "redis_settings": redis_settings(settings.redis_url),
        "queue_name": queue_name(settings.redis_prefix),
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "ctx": {"mixtape_settings": settings},
        "max_jobs": 10,
        "job_timeout": 3600,
        "max_tries": 5,
        "health_check_key": f"{settings.redis_prefix}:worker:health",
        # arq's default (an hour) would keep a killed worker "healthy" that long.
        "health_check_interval": 30,
    }


def build_worker_settings(settings: Settings) -> type:
    """arq's ``WorkerSettings`` class for ``settings``."""
    return type("WorkerSettings", (), worker_options(settings))


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Run a worker until stopped (or, with ``burst``, until the queue is empty)."""
    Worker(**worker_options(settings), burst=burst).run()


def __getattr__(name: str) -> Any:
    # `arq workers.settings.WorkerSettings` works too; built on first use, so that
    # importing this module never needs Redis settings.
    if name == "WorkerSettings":
        return build_worker_settings(get_settings())
    raise AttributeError(name)
