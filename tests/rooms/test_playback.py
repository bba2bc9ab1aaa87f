"""Pause and resume with the host's token: guests when allowed; Spotify's refusals
(PREMIUM_REQUIRED, NO_ACTIVE_DEVICE) appear in the room's state, never as errors."""

from __future__ import annotations

from spotify_emulator.testing import EmulatorHandle
from tests.rooms.conftest import (
    HOST,
    ROOM_FIELDS,
    RoomClient,
    join_guest,
    open_room,
    refusal,
    wait_for_room,
)

PAUSE = f"mutation($code: String!) {{ pauseRoom(code: $code) {{ {ROOM_FIELDS} }} }}"
RESUME = f"mutation($code: String!) {{ resumeRoom(code: $code) {{ {ROOM_FIELDS} }} }}"
SETTINGS = """mutation($code: String!, $s: RoomSettingsInput!) {
  updateRoomSettings(code: $code, settings: $s) { settings { guestCanPause votesToSkip } } }"""


async def test_a_guest_pauses_only_when_the_host_allows_it(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host, guestCanPause=False)
    code = room["code"]
    ana = await join_guest(host, code, "Ana")
    assert refusal(await ana.client.execute(PAUSE, {"code": code})) == (
        "FORBIDDEN",
        "GUEST_CANNOT_PAUSE",
    )
    player = emulator.state.users[HOST].player
    assert player is not None
    assert player.is_playing
    changed = await host.query(
        SETTINGS, {"code": code, "s": {"guestCanPause": True, "votesToSkip": 2}}
    )
    assert changed["updateRoomSettings"]["settings"] == {"guestCanPause": True, "votesToSkip": 2}
    assert (await ana.client.query(PAUSE, {"code": code}))["pauseRoom"]["problems"] == []
    assert not player.is_playing
    await wait_for_room(host, code, lambda s: s["isPlaying"] is False)
    await ana.client.query(RESUME, {"code": code})
    assert player.is_playing
    assert refusal(await ana.client.execute(SETTINGS, {"code": code, "s": {}})) == (
        "FORBIDDEN",
        "HOST_ONLY",
    )


async def test_a_host_without_premium_sees_premium_required_in_the_state(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host)
    code = room["code"]
    await emulator.set_product(HOST, "free")
    paused = await host.execute(PAUSE, {"code": code})
    assert not paused.get("errors"), paused
    assert paused["data"]["pauseRoom"]["problems"] == ["PREMIUM_REQUIRED"]
    skipped = await host.execute(
        f"mutation($code: String!) {{ skipTrack(code: $code) {{ {ROOM_FIELDS} }} }}",
        {"code": code},
    )
    assert skipped["data"]["skipTrack"]["problems"] == ["PREMIUM_REQUIRED"]
    await emulator.set_product(HOST, "premium")
    resumed = await host.query(RESUME, {"code": code})
    assert resumed["resumeRoom"]["problems"] == []


async def test_no_active_device_is_shown_in_the_state(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host)
    await emulator.set_player(HOST, None)
    paused = await host.query(PAUSE, {"code": room["code"]})
    assert paused["pauseRoom"]["problems"] == ["NO_ACTIVE_DEVICE"]


async def test_a_host_whose_link_needs_reauthorization_is_shown_in_the_state(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host)
    await emulator.revoke(HOST)  # the poller's next call is refused: the link needs relinking
    state = await wait_for_room(
        host, room["code"], lambda s: "SPOTIFY_RELINK_REQUIRED" in s["problems"]
    )
    assert state["closed"] is False
