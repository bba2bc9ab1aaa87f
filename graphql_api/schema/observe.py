"""Metrics, log context and traces of GraphQL operations (``docs/operations.md``).

``OperationObserver`` counts each query and mutation by its root fields and outcome
(``ok`` or the first error's code) and times it; it notes the operation for the log lines
of the request. Operations are named by their root fields, not by the client's operation
name: a client chooses names freely, and every name would be a new time series.
Subscriptions are counted while they stream (``observe_subscriptions``).
"""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from inspect import isawaitable
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
)
from opentelemetry import trace
from strawberry.extensions import SchemaExtension

from graphql_api.observability import context
from graphql_api.observability.metrics import (
    GRAPHQL_DURATION,
    GRAPHQL_OPERATIONS,
    SUBSCRIPTIONS_OPEN,
    SUBSCRIPTIONS_STARTED,
    Counter,
    Histogram,
    recording,
)
from graphql_api.observability.tracing import provider
from graphql_api.schema.errors import code_of

# Past this many root fields, the name ends in "+more" (bounded label values).
MAX_NAMED_FIELDS = 3


def operation_label(document: Any, operation_name: str | None) -> tuple[str, str]:
    """``(type, name)`` of the operation run: its type and its root fields, sorted."""
    for definition in getattr(document, "definitions", ()):
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name is not None and (
            definition.name is None or definition.name.value != operation_name
        ):
            continue
        names = sorted(
            {
                selection.name.value
                for selection in definition.selection_set.selections
                if isinstance(selection, FieldNode)
            }
        )
        if len(names) > MAX_NAMED_FIELDS:
            names = [*names[:MAX_NAMED_FIELDS], "+more"]
        return definition.operation.value, ",".join(names) or "fragments"
    return "unknown", "invalid"


def outcome_of(errors: list[GraphQLError] | None) -> str:
    """``ok``, or the code of the first error (``INTERNAL_SERVER_ERROR`` when masked)."""
    if not errors:
        return "ok"
    return code_of(errors[0]) or "INTERNAL_SERVER_ERROR"


class OperationContext(SchemaExtension):
    """Names the operation for the log lines of the request (metrics off or on)."""

    label: tuple[str, str] | None = None

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        self.label = operation_label(execution.graphql_document, execution.operation_name)
        context.set_operation(self.label[1])
        yield


class OperationObserver(OperationContext):
    """Also counts and times the operation (``mixtape_graphql_*``)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        execution = self.execution_context
        errors = execution.pre_execution_errors or (
            execution.result.errors if execution.result is not None else None
        )
        # Unlabelled, it never ran (it did not parse or validate): its root fields may be
        # any names a client makes up, and each would be a new time series.
        kind, name = self.label or ("unknown", "invalid")
        if kind == "subscription":
            return  # counted while streaming (observe_subscriptions)
        count, duration = _operation_metrics(kind, name, outcome_of(errors))
        count.inc()
        duration.observe(time.perf_counter() - started)


@functools.lru_cache(maxsize=512)
def _operation_metrics(kind: str, name: str, outcome: str) -> tuple[Counter, Histogram]:
    # One label lookup per (operation, outcome), not per request.
    return GRAPHQL_OPERATIONS.labels(kind, name, outcome), GRAPHQL_DURATION.labels(kind, name)


class OperationSpan(SchemaExtension):
    """One span per GraphQL operation, current while it runs (the SQL statements, Spotify
    calls and jobs it starts are its children). Not one per resolver, as strawberry's
    extension makes: a span per field costs more than the field on the read path. Neither
    the query text nor the arguments go on it: both can hold passwords and one-time codes."""

    def __init__(self, tracer: trace.Tracer) -> None:
        self.tracer = tracer

    def on_operation(self) -> Iterator[None]:
        execution = self.execution_context
        with self.tracer.start_as_current_span(
            f"GraphQL {execution.operation_name or 'operation'}", kind=trace.SpanKind.SERVER
        ) as span:
            yield
            if span.is_recording():
                kind, name = operation_label(execution.graphql_document, execution.operation_name)
                span.set_attribute("component", "graphql")
                span.set_attribute("graphql.operation.type", kind)
                span.set_attribute("graphql.operation.fields", name)
                if execution.operation_name:
                    span.update_name(f"GraphQL {execution.operation_name}")


def operation_observer() -> SchemaExtension:
    """Per operation: the observer when the process records metrics, else the log
    context alone (no timing, no label lookups)."""
    if recording():
        return OperationObserver()
    return OperationContext()


def trace_operations(schema: strawberry.Schema) -> None:
    """Add the tracing extension to ``schema`` (once): the app does it when tracing is on,
    so that a process without tracing runs no extra hooks per operation."""
    extensions = list(schema.extensions)
    if tracing_extension not in extensions:
        # Inside the observer (which times the whole operation), outside everything else.
        schema.extensions = (*extensions[:1], tracing_extension, *extensions[1:])


def tracing_extension() -> SchemaExtension:
    """Per operation: the OpenTelemetry extension when tracing is on, else a no-op one."""
    global _tracer
    traced_by = provider()
    if traced_by is None:
        return SchemaExtension()
    if _tracer is None or _tracer[0] is not traced_by:
        _tracer = (traced_by, traced_by.get_tracer("mixtape.graphql"))
    return OperationSpan(_tracer[1])


# The tracer of the current provider, made once (not per operation).
_tracer: tuple[object, trace.Tracer] | None = None


def observe_subscriptions(schema: strawberry.Schema) -> None:
    """Count every subscription of ``schema`` while it streams, by root field."""
    subscription = schema._schema.subscription_type
    if subscription is None:
        return
    for name, field in subscription.fields.items():
        if field.subscribe is not None:
            field.subscribe = _counting(name, field.subscribe)


def _counting(name: str, subscribe: Callable[..., Any]) -> Callable[..., Any]:
    # A plain coroutine, as graphql-core expects of ``subscribe``: what fails while setting
    # the subscription up fails as before; only a stream that runs is counted.
    async def counted(*args: Any, **kwargs: Any) -> Any:
        source = subscribe(*args, **kwargs)
        if isawaitable(source):
            source = await source
        if not isinstance(source, AsyncIterator) or not recording():
            return source
        return _streaming(name, source)

    return counted


async def _streaming(name: str, source: AsyncIterator[Any]) -> AsyncGenerator[Any, None]:
    SUBSCRIPTIONS_STARTED.labels(name).inc()
    SUBSCRIPTIONS_OPEN.labels(name).inc()
    try:
        async for event in source:
            yield event
    finally:
        SUBSCRIPTIONS_OPEN.labels(name).dec()
        close = getattr(source, "aclose", None)
        if close is not None:
            await close()
