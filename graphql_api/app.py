"""The Starlette application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from graphql_api.auth.oidc_routes import routes as oidc_routes
from graphql_api.auth.requests import error_response
from graphql_api.auth.routes import routes as auth_routes
from graphql_api.composition import api_services, open_app_resources
from graphql_api.db.migrations import head_revisions
from graphql_api.errors import MixtapeError
from graphql_api.graphiql import STATIC_PATH, static_files
from graphql_api.graphql_view import MixtapeGraphQL
from graphql_api.health import healthz, readyz
from graphql_api.heap import frozen_heap
from graphql_api.history.routes import routes as history_routes
from graphql_api.http_limits import HTTP_CODES
from graphql_api.http_limits import error_response as graphql_error_response
from graphql_api.library.routes import routes as library_routes
from graphql_api.observability.exposition import (
    metrics_endpoint,
    multiprocess_dir,
    process_exited,
    serve_metrics_port,
)
from graphql_api.observability.http import RequestObserver
from graphql_api.observability.metrics import record
from graphql_api.observability.tracing import configure_tracing, tracing_enabled, tracing_middleware
from graphql_api.openapi import routes as openapi_routes
from graphql_api.releases.routes import routes as releases_routes
from graphql_api.rooms.routes import routes as room_routes
from graphql_api.schema import schema
from graphql_api.schema.observe import trace_operations
from graphql_api.settings import Settings, get_settings
from graphql_api.spotify.demo import demo_spotify
from graphql_api.state import AppState, LifespanState

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Starlette:
    """A Mixtape ASGI app; everything shared is built in its lifespan."""
    settings = settings or get_settings()
    heads = head_revisions(settings)
    configure_tracing(settings)
    # Off: no HTTP or GraphQL instrumentation on the request path, no metric recorded.
    record(settings.metrics_enabled)
    if tracing_enabled():
        trace_operations(schema)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[LifespanState]:
        # Without Spotify credentials (outside production) this starts the emulator.
        async with (
            demo_spotify(settings) as effective,
            open_app_resources(effective) as resources,
        ):
            log.info(
                "Mixtape serving on %s (database: %s, jobs and events: %s)",
                settings.public_url,
                "SQLite" if settings.is_sqlite else "PostgreSQL",
                "Redis" if settings.redis_url else "in-process",
            )
            # With several processes, `mixtape serve` serves the metrics port itself.
            port = serve_metrics_port(settings) if multiprocess_dir() is None else None
            try:
                async with api_services(resources):
                    with frozen_heap():  # short full GC passes while serving (heap.py)
                        yield {"mixtape": AppState(resources=resources, head_revisions=heads)}
            finally:
                if port is not None:
                    port.shutdown()
                    port.server_close()
                process_exited()

    graphql = MixtapeGraphQL(schema)
    # Outermost: a request id and HTTP metrics for everything, refusals included.
    middleware = [
        Middleware(RequestObserver, metrics=settings.metrics_enabled),
        *tracing_middleware(),
    ]
    if settings.trusted_proxies:
        # Outermost, so that everything after sees the real client (e.g. the failed-login
        # limit per address); `mixtape serve` turns uvicorn's own copy of it off.
        middleware.append(
            Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
        )
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["authorization", "content-type", "x-room-token"],
                allow_credentials=True,
            )
        )
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint(settings), methods=["GET"]),
        *auth_routes,
        *oidc_routes,
        *library_routes,
        *releases_routes,
        *openapi_routes,
        *history_routes,
        *room_routes,
        Mount(STATIC_PATH, app=static_files(), name="graphiql-static"),
    ]
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        # REST routes raise domain errors (e.g. require_user's UNAUTHENTICATED): JSON, not 500.
        exception_handlers={MixtapeError: _domain_error, HTTPException: _http_error},
    )


async def _domain_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MixtapeError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    # Routing's own refusals (an unknown path, a method a route does not take) answer JSON
    # like everything else: GraphQL-shaped at /graphql, the REST error body elsewhere.
    assert isinstance(exc, HTTPException)
    if request.url.path == "/graphql":
        headers = dict(exc.headers) if exc.headers else None
        return graphql_error_response(exc.status_code, exc.detail, headers)
    code = HTTP_CODES.get(exc.status_code, "BAD_REQUEST")
    body = {"error": {"code": code, "message": exc.detail}}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
