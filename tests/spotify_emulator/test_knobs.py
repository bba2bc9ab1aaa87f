"""Latency, the rolling-window rate limit, injected faults, dev mode, and statistics."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from spotify_emulator.testing import EmulatorHandle, run_emulator
from tests.spotify_emulator.conftest import ALICE, api_client


class SteppedClock:
    """A clock that moves only when told: the window's edges without sleeping or races."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_rate_limit_answers_429_with_retry_after(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    clock = SteppedClock()
    emulator.state.clock = clock
    await emulator.configure(rate_limit=3, rate_window_s=1.0)
    statuses = [(await alice.get("/me")).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = await alice.get("/me")
    retry_after = int(limited.headers["Retry-After"])
    assert retry_after == 1
    assert limited.json()["error"]["status"] == 429
    clock.now += 0.999
    assert (await alice.get("/me")).status_code == 429  # not a moment early
    # The window rolls: after Retry-After seconds there is room again.
    clock.now += 0.001
    assert (await alice.get("/me")).status_code == 200
    stats = await emulator.stats()
    assert stats["rate_limited"] == 4
    # 429s do not count into the window: inside any 1 s window at most 3 were let in.
    admitted = [r["t"] for r in stats["requests"] if r["status"] != 429]
    assert all(sum(1 for t in admitted if start <= t < start + 1.0) <= 3 for start in admitted)


async def test_retry_after_counts_whole_seconds_until_room(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    await emulator.configure(rate_limit=1)  # Spotify's 30 s window
    assert (await alice.get("/me")).status_code == 200
    limited = await alice.get("/me")
    assert limited.status_code == 429
    assert 29 <= int(limited.headers["Retry-After"]) <= 30


async def test_rate_limit_is_app_wide_and_spares_accounts(emulator: EmulatorHandle) -> None:
    await emulator.configure(rate_limit=2, rate_window_s=30)
    async with (
        await api_client(emulator, ALICE) as alice,
        await api_client(emulator, "bruno") as bruno,
    ):
        assert (await alice.get("/me")).status_code == 200
        assert (await bruno.get("/me")).status_code == 200
        assert (await bruno.get("/me")).status_code == 429
        # Token endpoint and control API are not part of the Web API quota.
        async with httpx.AsyncClient(base_url=emulator.url) as accounts:
            response = await accounts.post("/api/token", data={"grant_type": "refresh_token"})
            assert response.status_code != 429


async def test_fault_rate_one_fails_everything() -> None:
    outcomes = []
    async with run_emulator(fault_rate=1.0, fault_slow_s=0.01) as emulator:
        alice = await api_client(emulator, ALICE)
        async with alice:
            for _ in range(25):
                try:
                    response = await alice.get("/me")
                except httpx.TransportError:
                    outcomes.append("dropped")
                    continue
                outcomes.append(str(response.status_code))
        stats = await emulator.stats()
    assert set(stats["faults"]) <= {"500", "502", "503", "drop", "slow"}
    assert sum(stats["faults"].values()) == 25
    # Slowed requests still answer; every other one failed.
    slow = stats["faults"].get("slow", 0)
    assert outcomes.count("200") == slow
    assert "dropped" in outcomes
    assert {"500", "502", "503"} & set(outcomes)


async def test_fault_path_limits_faults_to_matching_requests() -> None:
    async with run_emulator(fault_rate=1.0, fault_slow_s=0.01, fault_path="/me/player") as emulator:
        alice = await api_client(emulator, ALICE)
        async with alice:
            for _ in range(10):
                assert (await alice.get("/me")).status_code == 200
        stats = await emulator.stats()
    assert stats["faults"] == {}
    assert stats["statuses"] == {"200": 10}


async def fault_sequence(seed: int) -> list[str]:
    sequence = []
    async with run_emulator(fault_rate=0.5, fault_seed=seed, fault_slow_s=0.01) as emulator:
        alice = await api_client(emulator, ALICE)
        async with alice:
            for _ in range(20):
                try:
                    sequence.append(str((await alice.get("/me")).status_code))
                except httpx.TransportError:
                    sequence.append("dropped")
    return sequence


async def test_faults_are_deterministic_for_a_seed() -> None:
    first = await fault_sequence(3)
    assert first == await fault_sequence(3)
    assert first != await fault_sequence(4)
    assert "200" in first


async def test_latency_is_non_blocking(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    # Long enough that all five are inside the emulator at once even on a loaded machine.
    await emulator.configure(latency_ms=2000)
    await emulator.reset_stats()
    started = time.monotonic()
    responses = await asyncio.gather(*(alice.get("/me") for _ in range(5)))
    assert all(r.status_code == 200 for r in responses)
    assert time.monotonic() - started >= 2.0  # the delay happened (a lower bound only)
    # They overlapped instead of queueing behind one another.
    assert (await emulator.stats())["peak_in_flight"] == 5


async def test_dev_mode(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    await emulator.configure(dev_mode=True)
    new_releases = await alice.get("/browse/new-releases")
    assert new_releases.status_code == 403
    playlists = (await alice.get("/me/playlists", params={"limit": 50})).json()["items"]
    for playlist in playlists:
        items = await alice.get(f"/playlists/{playlist['id']}/items")
        full = (await alice.get(f"/playlists/{playlist['id']}")).json()
        if playlist["owner"]["id"] == ALICE or playlist["collaborative"]:
            assert items.status_code == 200
            assert "items" in full
        else:
            assert items.status_code == 403
            assert "items" not in full
    await emulator.configure(dev_mode=False)
    assert (await alice.get("/browse/new-releases")).status_code == 200


async def test_config_validation(emulator: EmulatorHandle) -> None:
    async with httpx.AsyncClient(base_url=emulator.url) as client:
        bad = await client.post("/_emulator/config", json={"no_such_knob": 1})
        assert bad.status_code == 400
        wrong_type = await client.post("/_emulator/config", json={"dev_mode": "yes"})
        assert wrong_type.status_code == 400
        out_of_range = await client.post("/_emulator/config", json={"fault_rate": 2})
        assert out_of_range.status_code == 400
    knobs = await emulator.configure(latency_ms=1, token_ttl=60)
    assert knobs["latency_ms"] == 1
    assert knobs["token_ttl"] == 60
    assert emulator.config.token_ttl == 60


async def test_stats_count_endpoints_users_and_grants(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    await emulator.reset_stats()
    playlist_id = emulator.state.users[ALICE].playlist_ids[0]
    await alice.get("/me")
    await alice.get(f"/playlists/{playlist_id}/items")
    await alice.get(f"/playlists/{playlist_id}/items")
    await emulator.issue_tokens("bruno")
    stats = await emulator.stats()
    assert stats["endpoints"] == {"GET /v1/me": 1, "GET /v1/playlists/{playlist_id}/items": 2}
    assert stats["users"] == {ALICE: 3}
    assert stats["token_grants"] == {"direct": 1}
    assert [r["status"] for r in stats["requests"]] == [200, 200, 200]
    await emulator.reset_stats()
    assert (await emulator.stats())["requests_total"] == 0


@pytest.mark.parametrize("knob", [{"rate_limit": None}, {"latency_ms": 0}])
async def test_knobs_can_be_turned_off(emulator: EmulatorHandle, knob: dict[str, object]) -> None:
    assert (await emulator.configure(**knob)).items() >= knob.items()


async def test_hold_path_holds_matching_requests_until_the_knob_changes() -> None:
    async with run_emulator(hold_path="/me/player") as emulator:
        alice = await api_client(emulator, ALICE)
        async with alice:
            held = asyncio.create_task(alice.get("/me/player"))
            assert (await alice.get("/me")).status_code == 200  # other paths answer
            await asyncio.sleep(0.2)
            assert not held.done()
            await emulator.configure(hold_path=None)
            assert (await asyncio.wait_for(held, timeout=10)).status_code in (200, 204)


async def test_hold_path_released_when_the_emulator_stops() -> None:
    async with run_emulator(hold_path="/me") as emulator:
        alice = await api_client(emulator, ALICE)
        held = asyncio.create_task(alice.get("/me"))
        await asyncio.sleep(0.1)
    response = await asyncio.wait_for(held, timeout=10)
    await alice.aclose()
    assert response.status_code == 200


async def test_hold_path_with_a_method_holds_only_that_method() -> None:
    async with run_emulator(hold_path="PUT /me/library") as emulator:
        alice = await api_client(emulator, ALICE)
        async with alice:
            uri = (
                "spotify:track:" + (await alice.get("/me/tracks")).json()["items"][0]["track"]["id"]
            )
            held = asyncio.create_task(alice.put("/me/library", params={"uris": uri}))
            # Other methods on the same path answer.
            assert (await alice.delete("/me/library", params={"uris": uri})).status_code == 200
            await asyncio.sleep(0.2)
            assert not held.done()
            await emulator.configure(hold_path=None)
            assert (await asyncio.wait_for(held, timeout=10)).status_code == 200
