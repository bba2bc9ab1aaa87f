"""The shared queue: ordered by votes then time added, limited per guest, handed to
Spotify's queue only shortly before the song ends (so late votes still count), and the
room's plays saved as a Mixtape playlist."""

from __future__ import annotations

from typing import Any

from spotify_emulator.testing import EmulatorHandle
from tests.rooms.conftest import (
    HOST,
    ROOM_FIELDS,
    RoomClient,
    join_guest,
    open_room,
    playing,
    refusal,
    track,
    wait_for_room,
    wait_until,
)

ADD = f"""mutation($code: String!, $uri: String) {{
  addToRoomQueue(code: $code, uri: $uri) {{ {ROOM_FIELDS} }} }}"""
UPVOTE = f"""mutation($code: String!, $id: ID!) {{
  voteQueueItem(code: $code, itemId: $id) {{ {ROOM_FIELDS} }} }}"""
REMOVE = f"""mutation($code: String!, $id: ID!) {{
  removeQueueItem(code: $code, itemId: $id) {{ {ROOM_FIELDS} }} }}"""
SAVE = """mutation($code: String!) { saveRoomAsPlaylist(code: $code) {
  name items(first: 10) { edges { node { song { name } } } } } }"""


def catalog_uris(emulator: EmulatorHandle, count: int) -> list[str]:
    tracks = [t for t in emulator.state.catalog.tracks.values() if t["duration_ms"] > 60_000]
    return [str(t["uri"]) for t in tracks[:count]]


def names(state: dict[str, Any]) -> list[str]:
    return [entry["uri"] for entry in state["queue"]]


async def test_queue_orders_by_votes_then_time_and_limits_each_guest(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host, maxQueuedPerGuest=2)
    code = room["code"]
    ana = await join_guest(host, code, "Ana")
    ben = await join_guest(host, code, "Ben")
    first, second, third = catalog_uris(emulator, 3)
    await ana.client.query(ADD, {"code": code, "uri": first})
    state = (await ana.client.query(ADD, {"code": code, "uri": second}))["addToRoomQueue"]
    assert names(state) == [first, second]
    assert refusal(await ana.client.execute(ADD, {"code": code, "uri": third})) == (
        "CONFLICT",
        "QUEUE_LIMIT",
    )
    assert refusal(await ana.client.execute(ADD, {"code": code, "uri": "spotify:track:x"})) == (
        "BAD_USER_INPUT",
        "BAD_URI",
    )
    later = state["queue"][1]
    voted = (await ben.client.query(UPVOTE, {"code": code, "id": later["id"]}))["voteQueueItem"]
    assert names(voted) == [second, first]
    assert voted["queue"][0]["votes"] == 1
    assert refusal(await ben.client.execute(UPVOTE, {"code": code, "id": later["id"]})) == (
        "CONFLICT",
        "ALREADY_VOTED",
    )
    assert refusal(await ben.client.execute(REMOVE, {"code": code, "id": later["id"]})) == (
        "FORBIDDEN",
        "HOST_ONLY",
    )
    removed = (await host.query(REMOVE, {"code": code, "id": later["id"]}))["removeQueueItem"]
    assert names(removed) == [first]


async def test_the_top_song_goes_to_spotify_shortly_before_the_end_after_late_votes(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host)
    code = room["code"]
    ana = await join_guest(host, code, "Ana")
    first, second = catalog_uris(emulator, 2)
    await host.query(ADD, {"code": code, "uri": first})
    state = (await ana.client.query(ADD, {"code": code, "uri": second}))["addToRoomQueue"]
    # Far from the end nothing is handed over, so a vote still reorders the queue.
    player = emulator.state.users[HOST].player
    assert player is not None
    assert player.queue == []
    late = await ana.client.query(UPVOTE, {"code": code, "id": state["queue"][1]["id"]})
    assert names(late["voteQueueItem"]) == [second, first]
    # Near the end (inside room_handoff_seconds), the top song goes to Spotify's queue.
    song = track(1, duration_ms=200_000)
    await emulator.set_player(HOST, playing(song, progress_ms=190_000))

    async def handed() -> bool:
        return bool(player.queue) if (player := emulator.state.users[HOST].player) else False

    await wait_until(handed, "the top song in Spotify's queue")
    queued = emulator.state.users[HOST].player
    assert queued is not None
    assert [t["uri"] for t in queued.queue] == [second]
    after = await wait_for_room(host, code, lambda s: len(s["queue"]) == 1)
    assert names(after) == [first]


async def test_saving_the_room_keeps_what_it_played_in_order(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host)
    code = room["code"]
    await emulator.set_player(HOST, playing(track(2)))
    await wait_for_room(host, code, lambda s: s["playedCount"] == 2)
    saved = (await host.query(SAVE, {"code": code}))["saveRoomAsPlaylist"]
    played = [edge["node"]["song"]["name"] for edge in saved["items"]["edges"]]
    assert played == ["Song 1", "Song 2"]
    ana = await join_guest(host, code, "Ana")
    assert refusal(await ana.client.execute(SAVE, {"code": code})) == (
        "FORBIDDEN",
        "GUEST_CANNOT_SAVE",
    )
