"""Off means off: without metrics nothing is recorded, without tracing no span is started.

Each test drives a request path that records everything when on (a login's queries, a
library snapshot through its job, its Spotify calls and its subscription) and compares
what this process holds before and after.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk import trace as sdk_trace
from prometheus_client import REGISTRY

from graphql_api.observability import metrics, tracing
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient
from tests.support.spotify import point_at_emulator

VIEWER = "{ viewer { id displayName } }"


@pytest.fixture
def observed_settings(settings: Settings, emulator: EmulatorHandle) -> Iterator[Settings]:
    """The conftest's app and alice, with metrics off."""
    settings = settings.model_copy(update={"metrics_enabled": False})
    yield point_at_emulator(settings, emulator, spotify_requests_per_30s=100_000)
    metrics.record(True)  # the app turned recording off for this process


def _mixtape_samples() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in REGISTRY.collect()
        for sample in family.samples
        if sample.name.startswith("mixtape_")
    }


async def _drive(alice: GraphQLClient) -> None:
    await alice.query(VIEWER)
    await save_and_wait(alice)  # it asserts the snapshot succeeded
    await alice.query(VIEWER)


async def test_with_metrics_off_requests_jobs_and_spotify_calls_record_no_sample(
    alice: GraphQLClient,
) -> None:
    before = _mixtape_samples()
    await _drive(alice)
    assert not metrics.recording()
    assert _mixtape_samples() == before


@pytest.fixture
def started_spans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the spans any tracer of this process starts (SDK, proxy or no-op)."""
    started: list[str] = []
    for tracer in (sdk_trace.Tracer, trace.ProxyTracer, trace.NoOpTracer):
        for method in ("start_span", "start_as_current_span"):
            original = getattr(tracer, method)

            def counting(self: Any, name: str, *args: Any, _o: Any = original, **kw: Any) -> Any:
                started.append(name)
                return _o(self, name, *args, **kw)

            monkeypatch.setattr(tracer, method, counting)
    return started


async def test_with_tracing_off_requests_jobs_and_spotify_calls_start_no_span(
    alice: GraphQLClient, started_spans: list[str]
) -> None:
    assert not tracing.tracing_enabled()
    await _drive(alice)
    assert started_spans == []
