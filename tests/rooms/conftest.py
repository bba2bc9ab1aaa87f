"""Fixtures for the listening-room tests: a real app on each backend, the emulator, fast
polling, and clients for a host and for guests (who carry a guest token)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.listening.conftest import FAST_POLLING, playing, track
from tests.support.graphql_client import GraphQLClient, Json, WebSocketSession
from tests.support.server import serve
from tests.support.spotify import linked_user, point_at_emulator
from tests.support.users import login, plain_user

__all__ = ["plain_user", "playing", "track"]

HOST = "alice"  # premium in the generated fixture
FAST_ROOMS: dict[str, Any] = {
    "room_tick_seconds": 0.05,
    # Long: a subscription's row goes when it closes, and no test waits for one to expire;
    # a short TTL would let a process starved under load lose its guests' presence.
    "room_presence_ttl_s": 60.0,
    "room_handoff_seconds": 15.0,
}

ROOM_FIELDS = """
  code name version closed trackNumber isPlaying progressMs skipVotes skipThreshold
  guestsPresent problems playedCount
  track { uri name durationMs }
  settings { votesToSkip skipShare guestCanPause guestCanQueue maxQueuedPerGuest }
  queue { id uri name votes addedBy }
  participants { id displayName isHost present }
"""
CREATE = f"""mutation($name: String!, $settings: RoomSettingsInput) {{
  createRoom(name: $name, settings: $settings) {{ {ROOM_FIELDS} }} }}"""
JOIN_GUEST = f"""mutation($code: String!, $name: String!) {{
  joinRoomAsGuest(code: $code, displayName: $name) {{
    participantId guestToken room {{ {ROOM_FIELDS} }} }} }}"""
JOIN = f"""mutation($code: String!) {{
  joinRoom(code: $code) {{ participantId guestToken room {{ {ROOM_FIELDS} }} }} }}"""
VOTE = f"""mutation($code: String!, $track: Int) {{
  voteToSkip(code: $code, trackNumber: $track) {{ {ROOM_FIELDS} }} }}"""
ROOM = f"query($code: String!) {{ room(code: $code) {{ {ROOM_FIELDS} }} }}"
WATCH = f"subscription($code: String!) {{ room(code: $code) {{ {ROOM_FIELDS} }} }}"


class RoomClient(GraphQLClient):
    """A GraphQL client that also sends a room guest token (``X-Room-Token``)."""

    def __init__(
        self, base_url: str, http: httpx.AsyncClient, token: str | None, room_token: str | None
    ) -> None:
        super().__init__(base_url, http, token)
        self.room_token = room_token

    def _headers(self) -> dict[str, str]:
        headers = super()._headers()
        if self.room_token:
            headers["x-room-token"] = self.room_token
        return headers

    def room_websocket(self) -> Any:
        payload: Json = {}
        if self.token:
            payload["authorization"] = f"Bearer {self.token}"
        if self.room_token:
            payload["roomToken"] = self.room_token
        return self.websocket(payload)


@dataclass
class Guest:
    client: RoomClient
    participant_id: str
    name: str


def codes_of(body: Json) -> list[str | None]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


def reasons_of(body: Json) -> list[str | None]:
    return [error.get("extensions", {}).get("reason") for error in body.get("errors") or []]


def refusal(body: Json) -> tuple[str | None, str | None]:
    """The code and reason of the one error of ``body``."""
    assert len(body.get("errors") or []) == 1, body
    return codes_of(body)[0], reasons_of(body)[0]


@pytest.fixture
def settings(database_url: str, redis_prefix: str, emulator: EmulatorHandle) -> Settings:
    base = Settings(database_url=database_url, redis_url=None, redis_prefix=redis_prefix)
    return point_at_emulator(base, emulator, **FAST_POLLING, **FAST_ROOMS)


@pytest.fixture
async def room_resources(settings: Settings) -> AsyncIterator[Resources]:
    async with open_app_resources(settings) as built:
        yield built


@pytest.fixture
async def room_app(settings: Settings) -> AsyncIterator[str]:
    async with serve(create_app(settings)) as url:
        yield url


@pytest.fixture
async def host(
    room_resources: Resources, emulator: EmulatorHandle, room_app: str, http: httpx.AsyncClient
) -> RoomClient:
    """Alice, linked to Spotify and playing Song 1, logged in to the app."""
    await emulator.set_player(HOST, playing(track(1)))
    user_id = await linked_user(room_resources, emulator, HOST)
    return RoomClient(room_app, http, await login(room_resources, user_id), None)


async def open_room(host: RoomClient, **settings: Any) -> Json:
    """A room of the host's, once it shows what the host plays."""
    room: Json = (await host.query(CREATE, {"name": "Party", "settings": settings}))["createRoom"]
    return await wait_for_room(host, room["code"], lambda r: r["track"] is not None)


async def join_guest(client: GraphQLClient, code: str, name: str) -> Guest:
    joined = (await client.query(JOIN_GUEST, {"code": code, "name": name}))["joinRoomAsGuest"]
    guest = RoomClient(client.base_url, client.http, None, joined["guestToken"])
    return Guest(guest, joined["participantId"], name)


async def wait_for_room(
    client: GraphQLClient, code: str, condition: Callable[[Json], bool], bound_s: float = 20
) -> Json:
    """The room's state once ``condition`` holds (polled; fails clearly after ``bound_s``)."""
    last: Json = {}

    async def poll() -> Json:
        nonlocal last
        while True:
            last = (await client.query(ROOM, {"code": code}))["room"]
            if condition(last):
                return last
            await asyncio.sleep(0.05)

    try:
        return await asyncio.wait_for(poll(), bound_s)
    except TimeoutError:
        raise AssertionError(f"the room never got there; last state: {last}") from None


async def next_state(ws: WebSocketSession, op: str, condition: Callable[[Json], bool]) -> Json:
    """The next state of the subscription ``op`` for which ``condition`` holds."""
    while True:
        payload = await ws.next_payload(op, timeout=20)
        assert not payload.get("errors"), payload
        state: Json = payload["data"]["room"]
        if condition(state):
            return state


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, bound_s: float = 20) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after ``bound_s``."""

    async def loop() -> None:
        while True:
            if await check():
                return
            await asyncio.sleep(0.05)

    try:
        await asyncio.wait_for(loop(), bound_s)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


NEXT = "POST /v1/me/player/next"


async def burst_skips_one_song(
    emulator: EmulatorHandle, guests: list[Guest], reader: GraphQLClient, code: str, number: int
) -> int:
    """Every guest votes at once against track ``number``: exactly one ``POST
    /me/player/next`` reaches Spotify, votes start over, and the room plays track
    ``number + 1`` (returned). A vote that arrived once its track was skipped is refused
    (TRACK_CHANGED), never counted against the next one."""
    await emulator.reset_stats()
    answers = await asyncio.gather(
        *(g.client.execute(VOTE, {"code": code, "track": number}) for g in guests)
    )
    refused = [reason for body in answers for reason in reasons_of(body)]
    assert set(refused) <= {"TRACK_CHANGED"}, answers
    assert emulator.player_commands(await emulator.stats(), HOST) == {NEXT: 1}
    state = await wait_for_room(reader, code, lambda s: s["trackNumber"] == number + 1)
    assert state["skipVotes"] == 0
    return number + 1
