"""OpenTelemetry traces: off unless ``MIXTAPE_OTEL_ENDPOINT`` is set (or a test turns them on).

When on, one tracer provider per process feeds the Starlette (ASGI) middleware, strawberry's
extension (``schema/observe.py``), the SQLAlchemy engine and the httpx client of the
resources. A job's span is a child of the span that enqueued it: the queue adds the W3C
trace context to the job's keyword arguments (``job_carrier``) and the job wrapper
(``jobs.py``) continues from it, in whichever process runs the job.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx
from opentelemetry import trace
from opentelemetry.propagate import extract, inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.middleware import Middleware

from graphql_api.settings import Settings

# The keyword argument a job's trace context travels in (arq pickles it with the job).
CARRIER_KWARG = "mixtape_trace"

_provider: TracerProvider | None = None


def tracing_enabled() -> bool:
    """Whether this process traces."""
    return _provider is not None


def provider() -> TracerProvider | None:
    """The process's tracer provider, when tracing is on."""
    return _provider


def use_provider(new: TracerProvider | None) -> None:
    """Trace into ``new`` from now on (None: stop tracing); tests use an in-memory one."""
    global _provider
    _provider = new


def build_provider(settings: Settings, processor: SpanProcessor | None = None) -> TracerProvider:
    """A provider naming this service, sending spans through ``processor`` (default: OTLP)."""
    built = TracerProvider(
        resource=Resource.create({"service.name": settings.otel_service_name}),
        sampler=ParentBased(TraceIdRatioBased(settings.otel_sample_ratio)),
    )
    if processor is None:
        processor = BatchSpanProcessor(_otlp_exporter(settings))
    built.add_span_processor(processor)
    return built


def _otlp_exporter(settings: Settings) -> SpanExporter:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    endpoint = (settings.otel_endpoint or "").rstrip("/")
    return OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")


def configure_tracing(settings: Settings) -> None:
    """Turn tracing on for this process when ``settings`` name an OTLP endpoint (once)."""
    if settings.otel_endpoint and _provider is None:
        use_provider(build_provider(settings))


def instrument_engine(engine: AsyncEngine) -> None:
    """Trace the engine's statements (when tracing is on)."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeterProvider

    # The instrumentor patches create_engine once per process; an engine of our own (one
    # per Resources, tests make many) is traced by the tracer it uses underneath. Pool
    # usage is a Prometheus gauge already.
    usage = NoOpMeterProvider().get_meter("mixtape").create_up_down_counter("db.connections")
    EngineTracer(_provider.get_tracer("sqlalchemy"), engine.sync_engine, usage)  # type: ignore[no-untyped-call]


def instrument_http(client: httpx.AsyncClient) -> None:
    """Trace the client's requests (when tracing is on)."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=_provider)


def tracing_middleware() -> list[Middleware]:
    """OpenTelemetry's ASGI middleware, a span per request (when tracing is on)."""
    if _provider is None:
        return []
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    # No spans of their own for the ASGI messages (a request's body, its answer's start
    # and body): three more spans per request, which say nothing the request's does not.
    return [
        Middleware(
            OpenTelemetryMiddleware,
            tracer_provider=_provider,
            exclude_spans=["receive", "send"],
        )
    ]


def job_carrier() -> dict[str, Any]:
    """The keyword argument that carries the current trace into a job ({} when off)."""
    if _provider is None or not trace.get_current_span().get_span_context().is_valid:
        return {}
    carrier: dict[str, str] = {}
    inject(carrier)
    return {CARRIER_KWARG: carrier}


@contextlib.contextmanager
def job_span(name: str, carrier: dict[str, str] | None, job_id: str | None) -> Iterator[None]:
    """The span of one job run, continuing the trace that enqueued it."""
    if _provider is None:
        yield
        return
    parent = extract(carrier or {})
    tracer = _provider.get_tracer("mixtape.jobs")
    with tracer.start_as_current_span(
        f"job {name}", context=parent, kind=trace.SpanKind.CONSUMER
    ) as span:
        span.set_attribute("mixtape.job.name", name)
        if job_id is not None:
            span.set_attribute("mixtape.job.id", job_id)
        yield
