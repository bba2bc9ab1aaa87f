"""The nowPlaying subscription over real websockets, with the poller in the API process."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from graphql_api.db.models import User
from graphql_api.resources import Resources
from spotify_emulator.testing import EmulatorHandle
from tests.listening.conftest import global_id, login, plain_user, playing, track
from tests.support.graphql_client import GraphQLClient, WebSocketSession
from tests.support.spotify import linked_user

SUBSCRIPTION = """
subscription($userId: ID) {
  nowPlaying(userId: $userId) {
    change isPlaying progressMs timestamp
    item { uri name artistNames durationMs }
    user { displayName }
  }
}"""


async def _next(ws: WebSocketSession, op: str) -> dict[str, object]:
    payload = await ws.next_payload(op, timeout=15)
    assert not payload.get("errors"), payload
    state: dict[str, object] = payload["data"]["nowPlaying"]  # type: ignore[index]
    return state


async def _nothing_more(ws: WebSocketSession, op: str, seconds: float) -> None:
    with pytest.raises(TimeoutError):
        await ws.next_payload(op, timeout=seconds)


async def test_a_subscriber_sees_play_pause_and_track_changes_once_each(
    listening_resources: Resources, emulator: EmulatorHandle, client: GraphQLClient
) -> None:
    await emulator.set_player("alice", None)
    user_id = await linked_user(listening_resources, emulator, "alice")
    gql = client.with_token(await login(listening_resources, user_id))
    async with gql.websocket() as ws:
        op = await ws.subscribe(SUBSCRIPTION)
        initial = await _next(ws, op)
        assert initial["item"] is None
        assert initial["isPlaying"] is False

        await emulator.set_player("alice", playing(track(1), progress_ms=2000))
        started = await _next(ws, op)
        assert started["change"] == "TRACK_CHANGED"
        assert started["isPlaying"] is True
        assert started["item"]["name"] == "Song 1"  # type: ignore[index]
        assert started["item"]["artistNames"] == ["Artist 1"]  # type: ignore[index]
        assert isinstance(started["timestamp"], float)

        await emulator.set_player("alice", playing(track(1), progress_ms=9000, is_playing=False))
        paused = await _next(ws, op)
        assert paused["change"] == "PAUSED"
        assert paused["progressMs"] == 9000

        await emulator.set_player("alice", playing(track(2), progress_ms=0))
        changed = await _next(ws, op)
        assert changed["change"] == "TRACK_CHANGED"
        assert changed["item"]["name"] == "Song 2"  # type: ignore[index]
        # Many polls later (0.2 s apart), nothing else arrived: each change came once.
        await _nothing_more(ws, op, 1.5)


async def test_a_late_subscriber_gets_the_current_state_at_once(
    listening_resources: Resources, emulator: EmulatorHandle, client: GraphQLClient
) -> None:
    await emulator.set_player("alice", playing(track(3), progress_ms=4000))
    user_id = await linked_user(listening_resources, emulator, "alice")
    gql = client.with_token(await login(listening_resources, user_id))
    async with gql.websocket() as ws:
        op = await ws.subscribe(SUBSCRIPTION)
        state = await _next(ws, op)
        while state["item"] is None:  # subscribed before the first poll
            state = await _next(ws, op)
        assert state["item"]["name"] == "Song 3"  # type: ignore[index]


async def test_anonymous_subscribers_are_refused(client: GraphQLClient) -> None:
    async with client.websocket() as ws:
        op = await ws.subscribe(SUBSCRIPTION)
        message = await ws.receive()
    assert message["id"] == op
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_each_event_reads_the_user_as_stored_when_the_event_came(
    listening_resources: Resources, emulator: EmulatorHandle, client: GraphQLClient
) -> None:
    # A websocket's context lives as long as the socket; its loaders must not answer the
    # second event with the row the first event read.
    await emulator.set_player("alice", None)
    user_id = await linked_user(listening_resources, emulator, "alice")
    gql = client.with_token(await login(listening_resources, user_id))
    async with gql.websocket() as ws:
        op = await ws.subscribe(SUBSCRIPTION)
        first = await _next(ws, op)
        assert first["user"] == {"displayName": "Alice"}
        async with listening_resources.sessionmaker() as session:
            await session.execute(
                update(User).where(User.id == user_id).values(display_name="Alice Renamed")
            )
            await session.commit()
        await emulator.set_player("alice", playing(track(4)))
        second = await _next(ws, op)
        assert second["change"] == "TRACK_CHANGED"
        assert second["user"] == {"displayName": "Alice Renamed"}


DEVICE = "subscription($userId: ID) { nowPlaying(userId: $userId) { item { name } deviceName } }"
SHARE_WITH_EVERYONE = "mutation { setNowPlayingSharing(level: EVERYONE) { nowPlayingSharing } }"
NOW_PLAYING_QUERY = DEVICE.replace("subscription", "query", 1)


async def test_the_device_name_comes_from_spotify_and_only_its_owner_sees_it(
    listening_resources: Resources, emulator: EmulatorHandle, client: GraphQLClient
) -> None:
    device = {"id": "phone-1", "name": "Alice's iPhone", "type": "Smartphone", "is_active": True}
    await emulator.set_player("alice", {**playing(track(5)), "device": device})
    owner_id = await linked_user(listening_resources, emulator, "alice")
    owner = client.with_token(await login(listening_resources, owner_id))
    await owner.query(SHARE_WITH_EVERYONE)
    stranger_id = await plain_user(listening_resources, "Bob")
    viewer = client.with_token(await login(listening_resources, stranger_id))
    variables = {"userId": global_id(owner_id)}
    async with owner.websocket() as ws:
        op = await ws.subscribe(DEVICE)
        state = await _next(ws, op)
        while state["item"] is None:  # subscribed before the first poll
            state = await _next(ws, op)
    assert state == {"item": {"name": "Song 5"}, "deviceName": "Alice's iPhone"}
    assert (await owner.query(NOW_PLAYING_QUERY))["nowPlaying"]["deviceName"] == "Alice's iPhone"
    seen = (await viewer.query(NOW_PLAYING_QUERY, variables))["nowPlaying"]
    assert seen == {"item": {"name": "Song 5"}, "deviceName": None}
    async with viewer.websocket() as ws:
        op = await ws.subscribe(DEVICE, variables)
        assert await _next(ws, op) == {"item": {"name": "Song 5"}, "deviceName": None}
