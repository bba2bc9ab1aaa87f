"""Serving the metrics: ``GET /metrics`` on the app, or a port of its own.

Who may read them (``docs/operations.md``):
- ``MIXTAPE_METRICS_TOKEN`` set: ``/metrics`` answers only ``Authorization: Bearer <token>``.
- no token, outside production: ``/metrics`` is open (the embedded default, a developer's box).
- no token, in production: ``/metrics`` answers 404; scrape the separate port instead
  (``MIXTAPE_METRICS_PORT``, bound to ``MIXTAPE_METRICS_HOST``, loopback by default).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
    start_http_server,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from graphql_api.settings import Settings

# prometheus-client's own variable: set before any worker process imports it.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiprocess_dir() -> str | None:
    """The folder the processes of ``mixtape serve --workers N`` share samples through."""
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess(folder: Path) -> None:
    """Make ``folder`` the (emptied) multiprocess folder of this process and its children.

    Called by ``mixtape serve`` before uvicorn starts its worker processes, which inherit
    the environment; old files would add a dead run's counts to the new one's.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("*.db"):
        leftover.unlink()
    os.environ[MULTIPROC_ENV] = str(folder)


def process_exited() -> None:
    """Drop this process's live gauges from the shared folder (multiprocess mode only)."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def registry() -> CollectorRegistry:
    """What a scrape reads: every process's samples in multiprocess mode, else this one's."""
    if multiprocess_dir() is None:
        return REGISTRY
    collected = CollectorRegistry()
    multiprocess.MultiProcessCollector(collected)  # type: ignore[no-untyped-call]
    return collected


def metrics_route_open(settings: Settings) -> bool:
    """Whether ``/metrics`` on the app's own port answers at all."""
    return settings.metrics_enabled and (
        settings.metrics_token is not None or not settings.is_production
    )


def _authorized(request: Request, settings: Settings) -> bool:
    if settings.metrics_token is None:
        return True
    expected = f"Bearer {settings.metrics_token.get_secret_value()}"
    given = request.headers.get("authorization", "")
    return hmac.compare_digest(given.encode(), expected.encode())


def metrics_endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    """The ``GET /metrics`` endpoint for ``settings``."""

    async def metrics(request: Request) -> Response:
        if not metrics_route_open(settings):
            body = {
                "error": {
                    "code": "NOT_FOUND",
                    "message": "Metrics are served on MIXTAPE_METRICS_PORT, or here with "
                    "MIXTAPE_METRICS_TOKEN set (see docs/operations.md).",
                }
            }
            return JSONResponse(body, status_code=404)
        if not _authorized(request, settings):
            body = {"error": {"code": "UNAUTHENTICATED", "message": "A metrics token is needed."}}
            return JSONResponse(body, status_code=401, headers={"www-authenticate": "Bearer"})
        return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)

    return metrics


def serve_metrics_port(settings: Settings) -> WSGIServer | None:
    """Serve the metrics on ``MIXTAPE_METRICS_PORT`` from a thread, if it is set; the
    caller shuts the returned server down."""
    if not settings.metrics_enabled or settings.metrics_port is None:
        return None
    server, _thread = start_http_server(
        settings.metrics_port, settings.metrics_host, registry=registry()
    )
    return server
