"""Playback state per user: progress over wall time, controls, Premium and device errors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from spotify_emulator.testing import EmulatorHandle
from tests.spotify_emulator.conftest import ALICE, BRUNO


def a_track(emulator: EmulatorHandle, index: int = 0) -> dict[str, Any]:
    tracks = [t for t in emulator.state.catalog.tracks.values() if t["duration_ms"] > 100_000]
    return tracks[index]


async def test_progress_advances_only_while_playing(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    track = a_track(emulator)
    await emulator.set_player(ALICE, {"is_playing": True, "progress_ms": 1000, "item": track})
    first = (await alice.get("/me/player/currently-playing")).json()
    await asyncio.sleep(0.05)
    second = (await alice.get("/me/player/currently-playing")).json()
    assert 1000 <= first["progress_ms"] < second["progress_ms"]
    assert second["item"]["id"] == track["id"]
    assert (await alice.put("/me/player/pause")).status_code == 204
    paused = (await alice.get("/me/player")).json()
    await asyncio.sleep(0.05)
    still = (await alice.get("/me/player")).json()
    assert paused["is_playing"] is False
    assert paused["progress_ms"] == still["progress_ms"] >= second["progress_ms"]
    assert paused["timestamp"] >= first["timestamp"]
    assert (await alice.put("/me/player/play")).status_code == 204
    assert (await alice.get("/me/player")).json()["is_playing"] is True


async def test_idle_player_answers_204(emulator: EmulatorHandle, bruno: httpx.AsyncClient) -> None:
    current = await bruno.get("/me/player/currently-playing")
    assert current.status_code == 204
    assert current.content == b""
    assert (await bruno.get("/me/player")).status_code == 204


async def test_controls_need_premium(bruno: httpx.AsyncClient) -> None:
    response = await bruno.put("/me/player/play")
    assert response.status_code == 403
    assert response.json()["error"]["reason"] == "PREMIUM_REQUIRED"


async def test_controls_need_a_device(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    await emulator.set_player(ALICE, None)
    assert (await alice.get("/me/player/currently-playing")).status_code == 204
    for method, url in [
        ("PUT", "/me/player/play"),
        ("PUT", "/me/player/pause"),
        ("POST", "/me/player/next"),
        ("POST", "/me/player/queue?uri=spotify:track:x"),
    ]:
        response = await alice.request(method, url)
        assert response.status_code == 404
        assert response.json()["error"]["reason"] == "NO_ACTIVE_DEVICE"


async def test_queue_and_next(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    first, second = a_track(emulator, 0), a_track(emulator, 1)
    await emulator.set_player(ALICE, {"is_playing": True, "progress_ms": 0, "item": first})
    queued = await alice.post("/me/player/queue", params={"uri": second["uri"]})
    assert queued.status_code == 204
    assert (await alice.post("/me/player/next")).status_code == 204
    now = (await alice.get("/me/player/currently-playing")).json()
    assert now["item"]["id"] == second["id"]
    assert now["progress_ms"] < 5_000
    bad = await alice.post("/me/player/queue", params={"uri": "spotify:track:unknown"})
    assert bad.status_code == 400


async def test_play_uris_and_context(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    first, second = a_track(emulator, 2), a_track(emulator, 3)
    body = {"uris": [first["uri"], second["uri"]], "offset": {"position": 1}, "position_ms": 500}
    assert (await alice.put("/me/player/play", json=body)).status_code == 204
    now = (await alice.get("/me/player")).json()
    assert now["item"]["id"] == second["id"]
    assert now["progress_ms"] >= 500
    album_uri = first["album"]["uri"]
    assert (await alice.put("/me/player/play", json={"context_uri": album_uri})).status_code == 204
    now = (await alice.get("/me/player")).json()
    assert now["context"]["uri"] == album_uri
    assert now["item"]["album"]["id"] == first["album"]["id"]
    assert (await alice.put("/me/player/play", content=b"{nope")).status_code == 400


async def test_finished_track_goes_to_history(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    track = a_track(emulator, 4)
    almost_done = track["duration_ms"] - 10
    await emulator.set_player(
        ALICE, {"is_playing": True, "progress_ms": almost_done, "item": track}
    )
    await asyncio.sleep(0.05)
    history = (await alice.get("/me/player/recently-played", params={"limit": 1})).json()
    assert history["items"][0]["track"]["id"] == track["id"]
    state = (await alice.get("/me/player")).json()
    assert state["is_playing"] is False
    assert state["progress_ms"] == track["duration_ms"]


async def test_player_state_is_per_user(emulator: EmulatorHandle, alice: httpx.AsyncClient) -> None:
    await emulator.set_player(
        BRUNO, {"is_playing": True, "progress_ms": 0, "item": a_track(emulator)}
    )
    await alice.put("/me/player/pause")
    player = emulator.state.users[BRUNO].player
    assert player is not None
    assert player.is_playing


async def test_devices_list_the_active_device_or_none(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    await emulator.set_player(ALICE, {"is_playing": True, "item": a_track(emulator)})
    devices = (await alice.get("/me/player/devices")).json()["devices"]
    assert [d["is_active"] for d in devices] == [True]
    await emulator.set_player(ALICE, None)
    assert (await alice.get("/me/player/devices")).json() == {"devices": []}


async def test_queue_lists_what_was_queued_and_next_plays_it(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    first, second, third = (a_track(emulator, i) for i in range(3))
    await emulator.set_player(ALICE, {"is_playing": True, "item": first})
    for track in (second, third):
        queued = await alice.post("/me/player/queue", params={"uri": track["uri"]})
        assert queued.status_code == 204
    queue = (await alice.get("/me/player/queue")).json()
    assert queue["currently_playing"]["id"] == first["id"]
    assert [t["id"] for t in queue["queue"]] == [second["id"], third["id"]]
    assert (await alice.post("/me/player/next")).status_code == 204
    queue = (await alice.get("/me/player/queue")).json()
    assert queue["currently_playing"]["id"] == second["id"]
    assert [t["id"] for t in queue["queue"]] == [third["id"]]


async def test_stats_count_player_commands_per_user(
    emulator: EmulatorHandle, alice: httpx.AsyncClient, bruno: httpx.AsyncClient
) -> None:
    await emulator.set_player(ALICE, {"is_playing": True, "item": a_track(emulator)})
    await emulator.reset_stats()
    await alice.post("/me/player/next")
    await alice.put("/me/player/pause")
    await bruno.post("/me/player/next")  # refused (no Premium), still a command sent
    await alice.get("/me/player/queue")  # a read, not a command
    stats = await emulator.stats()
    assert emulator.player_commands(stats, ALICE) == {
        "POST /v1/me/player/next": 1,
        "PUT /v1/me/player/pause": 1,
    }
    assert emulator.player_commands(stats, BRUNO) == {"POST /v1/me/player/next": 1}


async def test_a_user_can_lose_premium_at_run_time(
    emulator: EmulatorHandle, alice: httpx.AsyncClient
) -> None:
    await emulator.set_player(ALICE, {"is_playing": True, "item": a_track(emulator)})
    await emulator.set_product(ALICE, "free")
    refused = await alice.post("/me/player/next")
    assert refused.status_code == 403
    assert refused.json()["error"]["reason"] == "PREMIUM_REQUIRED"
    await emulator.set_product(ALICE, "premium")
    assert (await alice.post("/me/player/next")).status_code == 204
