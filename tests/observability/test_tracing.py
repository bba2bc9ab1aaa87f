"""OpenTelemetry: saveLibrary's trace runs from the HTTP request through the snapshot job."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.observability import tracing
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.conftest import login
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import linked_user, point_at_emulator


@pytest.fixture
def exporter(settings: Settings) -> Iterator[InMemorySpanExporter]:
    """Spans of this process, collected in memory while the test runs."""
    collected = InMemorySpanExporter()
    every_trace = settings.model_copy(update={"otel_sample_ratio": 1.0})
    tracing.use_provider(tracing.build_provider(every_trace, SimpleSpanProcessor(collected)))
    yield collected
    tracing.use_provider(None)


def _by_id(spans: tuple[ReadableSpan, ...]) -> dict[int, ReadableSpan]:
    return {span.context.span_id: span for span in spans}


def _ancestors(span: ReadableSpan, spans: dict[int, ReadableSpan]) -> list[str]:
    names = []
    while span.parent is not None and span.parent.span_id in spans:
        span = spans[span.parent.span_id]
        names.append(span.name)
    return names


async def test_save_library_is_one_trace_from_the_request_through_the_job_to_spotify(
    settings: Settings,
    emulator: EmulatorHandle,
    http: httpx.AsyncClient,
    exporter: InMemorySpanExporter,
) -> None:
    settings = point_at_emulator(settings, emulator, spotify_requests_per_30s=100_000)
    async with serve(create_app(settings)) as url:
        async with open_app_resources(settings) as resources:
            alice_id = await linked_user(resources, emulator, "alice")
            token = await login(resources, alice_id)
        await save_and_wait(GraphQLClient(url, http, token))
    spans = exporter.get_finished_spans()
    by_id = _by_id(spans)
    [job] = [span for span in spans if span.name == "job snapshot_library"]
    [operation] = [
        span
        for span in spans
        if span.name.startswith("GraphQL")
        and span.attributes is not None
        and span.attributes.get("graphql.operation.fields") == "saveLibrary"
    ]
    # The job continues the trace of the request that enqueued it, below its operation.
    assert job.context.trace_id == operation.context.trace_id
    lineage = _ancestors(job, by_id)
    # A span per operation, none per resolver (docs/operations.md: what it costs).
    assert not any("Resolving" in span.name for span in spans)
    assert operation.name in lineage
    assert any(name.startswith("POST /graphql") for name in lineage)
    # Under the job: its database statements and its Spotify calls.
    under_job = [span for span in spans if job.name in _ancestors(span, by_id)]
    assert any(span.attributes and "db.statement" in span.attributes for span in under_job)
    spotify = [span for span in under_job if span.name in ("GET", "HTTP GET")]
    names = {span.name for span in under_job}
    assert spotify, sorted(names)
    # No span carries the query text (it may hold passwords) nor the bearer token.
    for span in spans:
        assert "query" not in (span.attributes or {})
        assert token not in str(span.attributes)
