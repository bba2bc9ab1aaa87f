"""The request middleware: a request id for every request, and HTTP metrics by route.

Pure ASGI (no ``BaseHTTPMiddleware``): streamed answers (exports) stay streamed. The id is
the client's ``X-Request-ID`` when it is usable, else a new one; it is sent back in the
answer's ``X-Request-ID`` and carried by every log line of the request. Websockets get an
id too (one per connection); their operations are counted by the GraphQL extension.
"""

from __future__ import annotations

import functools
import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphql_api.observability import context
from graphql_api.observability.metrics import HTTP_DURATION, HTTP_REQUESTS, Counter, Histogram

log = logging.getLogger("mixtape.access")

# Methods a client may send are unbounded; the label is one of these or OTHER.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


@functools.cache
def _http_metrics(method: str, route: str, status: int) -> tuple[Counter, Histogram]:
    # Label values are bounded (methods, route templates, statuses): one lookup each, ever.
    return HTTP_REQUESTS.labels(method, route, str(status)), HTTP_DURATION.labels(method, route)


class RequestObserver:
    """Request id, log context and ``mixtape_http_*`` metrics around ``app``."""

    def __init__(self, app: ASGIApp, *, metrics: bool = True) -> None:
        self.app = app
        # Off (MIXTAPE_METRICS_ENABLED=false): the request id and the access line only.
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = None
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                header = value.decode("latin-1")
                break
        request_id = context.request_id_from(header)
        token = context.request_id.set(request_id)
        user_token = context.user_id.set(None)
        operation_token = context.operation.set(None)
        if scope["type"] == "websocket":
            try:
                await self.app(scope, receive, send)
            finally:
                context.request_id.reset(token)
                context.user_id.reset(user_token)
                context.operation.reset(operation_token)
            return
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = _route_of(scope)
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            elapsed = time.perf_counter() - started
            if self.metrics:
                count, duration = _http_metrics(method, route, status)
                count.inc()
                duration.observe(elapsed)
            # The access line, in the request's context (uvicorn's own is off: it has no
            # request id, and it would log query strings, which carry one-time codes).
            log.info("%s %s %d %.1fms", method, scope["path"], status, elapsed * 1000)
            context.request_id.reset(token)
            context.user_id.reset(user_token)
            context.operation.reset(operation_token)
