"""Snapshot progress: an overall fraction that only grows, plus the phase and its counts."""

from __future__ import annotations

from graphql_api.db.models import LibrarySnapshot
from graphql_api.library.progress import PHASES, ProgressReporter, overall_fraction
from graphql_api.resources import Resources
from tests.library.conftest import running_snapshot
from tests.library.test_graphql import SAVE
from tests.support.graphql_client import GraphQLClient

WATCH = """
subscription($id: ID!) {
  librarySnapshot(id: $id) { status progress { phase done total fraction } }
}
"""


async def test_fraction_over_a_whole_run_only_grows_and_ends_at_one(
    alice: GraphQLClient,
) -> None:
    async with alice.websocket() as ws:
        snapshot = (await alice.query(SAVE))["saveLibrary"]
        operation = await ws.subscribe(WATCH, {"id": snapshot["id"]})
        seen = []
        while not seen or seen[-1]["status"] not in ("SUCCEEDED", "FAILED"):
            payload = await ws.next_payload(operation, timeout=60)
            assert not payload.get("errors"), payload
            seen.append(payload["data"]["librarySnapshot"])
    progress = [state["progress"] for state in seen]
    fractions = [p["fraction"] for p in progress]
    assert seen[-1]["status"] == "SUCCEEDED"
    assert fractions == sorted(fractions), progress
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert progress[-1] == {"phase": "done", "done": 1, "total": 1, "fraction": 1.0}
    # The phases seen come in the job's order (a quick one may pass between two reads).
    order = [*PHASES, "done"]
    phases = [p["phase"] for p in progress if p["phase"]]
    assert phases == sorted(phases, key=order.index), phases
    # Each phase's counts restart, while the fraction carries on from the slice before.
    for p in progress:
        if p["phase"] in PHASES:
            assert p["fraction"] >= PHASES[p["phase"]][0]


async def test_fraction_does_not_go_back_when_a_phase_total_grows(resources: Resources) -> None:
    snapshot = await running_snapshot(resources)
    reporter = ProgressReporter(resources, snapshot)
    await reporter.start("library", 10)
    await reporter.advance(10)  # a finished count is always written
    reached = reporter.fraction
    assert reached == overall_fraction("library", 10, 10)
    await reporter.add_total(90)  # more to list than the first pages said
    await reporter.start("library", 100)  # a forced write: 10 of 100 now
    assert reporter.fraction == reached
    async with resources.sessionmaker() as session:
        stored = await session.get(LibrarySnapshot, snapshot.id)
    assert stored is not None
    assert stored.progress_fraction == reached
    assert (stored.progress_done, stored.progress_total) == (0, 100)
