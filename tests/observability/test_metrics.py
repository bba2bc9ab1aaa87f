"""/metrics after a login, a library snapshot, a subscription and a 429 storm."""

from __future__ import annotations

import asyncio

import httpx

from graphql_api.resources import Resources
from spotify_emulator.testing import EmulatorHandle
from tests.auth.conftest import LOGIN, PASSWORD, REGISTER
from tests.library.test_graphql import SAVE, WATCH
from tests.support.graphql_client import GraphQLClient
from tests.support.metrics import scrape

OPS = "mixtape_graphql_operations_total"
HTTP = "mixtape_http_requests_total"


async def test_a_login_counts_one_operation_per_outcome_and_one_http_request_each(
    observed_app: str, http: httpx.AsyncClient
) -> None:
    gql = GraphQLClient(observed_app, http)
    before = await scrape(http, observed_app)
    await gql.query(
        REGISTER, {"email": "ada@example.com", "password": PASSWORD, "displayName": "A"}
    )
    await gql.query(LOGIN, {"email": "ada@example.com", "password": PASSWORD})
    wrong = await gql.execute(LOGIN, {"email": "ada@example.com", "password": "not the one!"})
    assert wrong["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    after = await scrape(http, observed_app)

    def moved(name: str, **labels: str) -> float:
        return after.moved(before, name, **labels)

    assert moved(OPS, type="mutation", operation="register", outcome="ok") == 1
    assert moved(OPS, type="mutation", operation="login", outcome="ok") == 1
    assert moved(OPS, type="mutation", operation="login", outcome="UNAUTHENTICATED") == 1
    assert moved("mixtape_graphql_operation_duration_seconds_count", operation="login") == 2
    assert moved(HTTP, method="POST", route="/graphql", status="200") == 3
    # The scrape before this one is counted too, by its route.
    assert moved(HTTP, method="GET", route="/metrics", status="200") == 1


async def test_operations_that_fail_validation_are_counted_as_invalid_not_by_their_fields(
    observed_app: str, http: httpx.AsyncClient
) -> None:
    gql = GraphQLClient(observed_app, http)
    before = await scrape(http, observed_app)
    for made_up in ("aaa", "bbb", "ccc"):
        answer = await gql.execute(f"{{ {made_up} }}")
        assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    after = await scrape(http, observed_app)
    invalid = {"type": "unknown", "operation": "invalid", "outcome": "GRAPHQL_VALIDATION_FAILED"}
    assert after.moved(before, OPS, **invalid) == 3
    for made_up in ("aaa", "bbb", "ccc"):
        assert after.moved(before, OPS, operation=made_up) == 0


async def test_a_snapshot_counts_its_job_its_pages_its_spotify_calls_and_its_subscription(
    alice: GraphQLClient, emulator: EmulatorHandle, observed_app: str, http: httpx.AsyncClient
) -> None:
    before = await scrape(http, observed_app)
    await emulator.reset_stats()
    async with alice.websocket() as ws:
        snapshot = (await alice.query(SAVE))["saveLibrary"]
        operation = await ws.subscribe(WATCH, {"id": snapshot["id"]})
        first = await ws.next_payload(operation, timeout=60)
        during = await scrape(http, observed_app)
        state = first["data"]["librarySnapshot"]
        while state["status"] not in ("SUCCEEDED", "FAILED"):
            state = (await ws.next_payload(operation, timeout=60))["data"]["librarySnapshot"]
        assert state["status"] == "SUCCEEDED"
    spotify_calls = len((await emulator.stats())["requests"])
    # The socket is closed: the subscription's end is counted as it unwinds.
    for _ in range(100):
        after = await scrape(http, observed_app)
        if after.value("mixtape_subscriptions_open", field="librarySnapshot") == before.value(
            "mixtape_subscriptions_open", field="librarySnapshot"
        ):
            break
        await asyncio.sleep(0.05)

    def moved(name: str, **labels: str) -> float:
        return after.moved(before, name, **labels)

    open_before = before.value("mixtape_subscriptions_open", field="librarySnapshot")
    assert during.value("mixtape_subscriptions_open", field="librarySnapshot") == open_before + 1
    assert after.value("mixtape_subscriptions_open", field="librarySnapshot") == open_before
    assert moved("mixtape_subscriptions_started_total", field="librarySnapshot") == 1
    assert moved(OPS, type="mutation", operation="saveLibrary", outcome="ok") == 1
    assert moved("mixtape_jobs_total", job="snapshot_library", outcome="ok") == 1
    assert moved("mixtape_job_duration_seconds_count", job="snapshot_library") == 1
    # Every Spotify call of the snapshot is one page, and each is counted by its endpoint.
    assert spotify_calls > 0
    assert moved("mixtape_snapshot_pages_total") == spotify_calls
    assert moved("mixtape_spotify_requests_total", status="200") == spotify_calls
    assert moved("mixtape_snapshot_pages_total", collection="/me/tracks") >= 1
    assert (
        moved("mixtape_snapshot_pages_total", collection="/playlists/{id}/items")
        + moved("mixtape_snapshot_pages_total", collection="/playlists/{id}/tracks")
        >= 1
    )


async def test_a_429_storm_counts_each_429_and_its_retry_after_seconds(
    observed_resources: Resources,
    alice_id: int,
    emulator: EmulatorHandle,
    observed_app: str,
    http: httpx.AsyncClient,
) -> None:
    client = observed_resources.spotify.client_for(alice_id)
    await client.get("me")  # the token is read (and cached) before the storm
    before = await scrape(http, observed_app)
    await emulator.reset_stats()
    await emulator.configure(rate_limit=2, rate_window_s=1.0)
    await asyncio.gather(*(client.get("me") for _ in range(6)))
    await emulator.configure(rate_limit=None)
    stats = await emulator.stats()
    after = await scrape(http, observed_app)

    def moved(name: str, **labels: str) -> float:
        return after.moved(before, name, **labels)

    limited = [r for r in stats["requests"] if r["status"] == 429]
    assert len(limited) == stats["rate_limited"] > 0
    assert moved("mixtape_spotify_requests_total", endpoint="/me", status="429") == len(limited)
    assert moved("mixtape_spotify_requests_total", endpoint="/me", status="200") == 6
    assert moved("mixtape_spotify_retry_after_seconds_count") == len(limited)
    # The emulator's Retry-After is whole seconds, 1 for a one-second window.
    assert moved("mixtape_spotify_retry_after_seconds_sum") == len(limited)


async def test_an_expired_spotify_token_counts_one_refresh(
    observed_resources: Resources,
    alice_id: int,
    emulator: EmulatorHandle,
    observed_app: str,
    http: httpx.AsyncClient,
) -> None:
    client = observed_resources.spotify.client_for(alice_id)
    before = await scrape(http, observed_app)
    await emulator.expire_tokens("alice")
    await client.get("me")  # 401, one refresh, then the call again
    after = await scrape(http, observed_app)
    ok = "mixtape_spotify_token_refreshes_total"
    assert after.value(ok, outcome="ok") - before.value(ok, outcome="ok") == 1
    assert after.value(ok, outcome="failed") == before.value(ok, outcome="failed")
