"""Every Prometheus metric Mixtape exposes, in one place (``docs/operations.md`` lists them).

Metrics are module-level, as prometheus-client wants them: created once per process. When
``mixtape serve`` runs several processes it points ``PROMETHEUS_MULTIPROC_DIR`` at a shared
folder before any of them starts (``exposition.py``), and each sample is written there; a
gauge then says how the processes' values add up (``multiprocess_mode``).

Label values are always bounded by the code, never taken from a client: GraphQL operations
are named by their root fields, HTTP requests by their route's template, Spotify calls by
their endpoint with ids replaced by ``{id}``.

``MIXTAPE_METRICS_ENABLED=false`` turns recording off for the process (``record``): the
request middleware and the GraphQL extension then record nothing and every other metric
call returns at once, so a process without metrics pays for none.
"""

from __future__ import annotations

from typing import Any, Self, cast
from urllib.parse import urlsplit

import prometheus_client

_recording = True


def recording() -> bool:
    """Whether this process records metrics."""
    return _recording


def record(on: bool) -> None:
    """Record metrics from now on (or not): the app and the worker set it from settings."""
    global _recording
    _recording = on


class _Ignored:
    """What ``labels()`` hands back while recording is off: a child that drops every value."""

    def inc(self, *_: Any, **__: Any) -> None:
        return None

    dec = set = observe = inc


_IGNORED = _Ignored()


class Counter(prometheus_client.Counter):
    def labels(self, *values: Any, **labelled: Any) -> Self:
        if not _recording:
            return cast(Self, _IGNORED)
        return super().labels(*values, **labelled)

    def inc(self, amount: float = 1, exemplar: dict[str, str] | None = None) -> None:
        if _recording:
            super().inc(amount, exemplar)


class Gauge(prometheus_client.Gauge):
    def labels(self, *values: Any, **labelled: Any) -> Self:
        if not _recording:
            return cast(Self, _IGNORED)
        return super().labels(*values, **labelled)

    def inc(self, amount: float = 1) -> None:
        if _recording:
            super().inc(amount)

    def dec(self, amount: float = 1) -> None:
        if _recording:
            super().dec(amount)

    def set(self, value: float) -> None:
        if _recording:
            super().set(value)


class Histogram(prometheus_client.Histogram):
    def labels(self, *values: Any, **labelled: Any) -> Self:
        if not _recording:
            return cast(Self, _IGNORED)
        return super().labels(*values, **labelled)

    def observe(self, amount: float, exemplar: dict[str, str] | None = None) -> None:
        if _recording:
            super().observe(amount, exemplar)


# Latencies from a millisecond to a minute.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
# Jobs (a library snapshot) last from a second to an hour.
JOB_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
# How late a poll runs against its schedule.
LAG_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300)

GRAPHQL_OPERATIONS = Counter(
    "mixtape_graphql_operations_total",
    "GraphQL operations run, by type, root fields and outcome (ok or the error code).",
    ["type", "operation", "outcome"],
)
GRAPHQL_DURATION = Histogram(
    "mixtape_graphql_operation_duration_seconds",
    "Time to run a GraphQL operation (HTTP and websocket), by type and root fields.",
    ["type", "operation"],
    buckets=LATENCY_BUCKETS,
)
HTTP_REQUESTS = Counter(
    "mixtape_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "mixtape_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
SUBSCRIPTIONS_OPEN = Gauge(
    "mixtape_subscriptions_open",
    "GraphQL subscriptions streaming right now, by root field.",
    ["field"],
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS_STARTED = Counter(
    "mixtape_subscriptions_started_total",
    "GraphQL subscriptions started, by root field.",
    ["field"],
)
JOBS = Counter(
    "mixtape_jobs_total",
    "Background job runs, by job and outcome (ok, retry, error).",
    ["job", "outcome"],
)
JOB_DURATION = Histogram(
    "mixtape_job_duration_seconds",
    "Time one job run took, by job.",
    ["job"],
    buckets=JOB_BUCKETS,
)
JOB_QUEUE_DEPTH = Gauge(
    "mixtape_job_queue_depth",
    "Jobs queued or running (arq: the Redis queue; in-process: this process's tasks).",
    multiprocess_mode="max",
)
SNAPSHOT_PAGES = Counter(
    "mixtape_snapshot_pages_total",
    "Pages of Spotify collections fetched by library snapshots, by collection.",
    ["collection"],
)
SPOTIFY_REQUESTS = Counter(
    "mixtape_spotify_requests_total",
    "Spotify Web API answers, by method, endpoint (ids as {id}) and status "
    "('error' when no answer came).",
    ["method", "endpoint", "status"],
)
SPOTIFY_DURATION = Histogram(
    "mixtape_spotify_request_duration_seconds",
    "Time Spotify took to answer one call (one attempt), by endpoint.",
    ["endpoint"],
    buckets=LATENCY_BUCKETS,
)
SPOTIFY_RETRY_AFTER = Histogram(
    "mixtape_spotify_retry_after_seconds",
    "Retry-After of each 429 Spotify answered (count = 429s, sum = seconds asked to wait).",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 3600),
)
SPOTIFY_BUDGET_USAGE = Gauge(
    "mixtape_spotify_budget_usage_ratio",
    "Share of the app-wide Spotify request budget used in the current 30 s window.",
    multiprocess_mode="max",
)
TOKEN_REFRESHES = Counter(
    "mixtape_spotify_token_refreshes_total",
    "Spotify access-token refreshes performed, by outcome (ok, failed).",
    ["outcome"],
)
POLL_LAG = Histogram(
    "mixtape_poller_lag_seconds",
    "How late each now-playing poll started against its schedule.",
    buckets=LAG_BUCKETS,
)
POLLS = Counter(
    "mixtape_poller_polls_total",
    "Now-playing polls started.",
)
POLLED_USERS = Gauge(
    "mixtape_poller_users",
    "Users whose player is being polled right now in this process.",
    multiprocess_mode="livesum",
)
DB_POOL = Gauge(
    "mixtape_db_pool_connections",
    "Database connections of this process's pool, by state (in_use, idle).",
    ["state"],
    multiprocess_mode="livesum",
)


def spotify_endpoint(path: str) -> str:
    """``/playlists/3cEYpjA9oz9GiPac4AsH4n/tracks`` -> ``/playlists/{id}/tracks``.

    Spotify's Web API puts an id right after a top-level collection (``/users/{id}``,
    ``/playlists/{id}``, ``/browse/categories/{id}``); every other segment is a fixed word.
    """
    parts = [part for part in urlsplit(path).path.split("/") if part]
    if parts and parts[0] == "v1":
        parts = parts[1:]
    shaped = []
    for index, part in enumerate(parts):
        after = parts[index - 1] if index else None
        top = index == 1 or (index == 2 and parts[0] == "browse")
        shaped.append("{id}" if top and after in _COLLECTIONS else part)
    return "/" + "/".join(shaped)


_COLLECTIONS = frozenset(
    {
        "albums",
        "artists",
        "audiobooks",
        "categories",
        "chapters",
        "episodes",
        "playlists",
        "shows",
        "tracks",
        "users",
    }
)
