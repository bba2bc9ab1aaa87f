"""Votes to skip: two of three guests present skip the song once; a burst of 20 votes at
once skips exactly one song (20 rounds); votes are per participant and per track."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest

from spotify_emulator.testing import EmulatorHandle
from tests.rooms.conftest import (
    HOST,
    NEXT,
    VOTE,
    WATCH,
    RoomClient,
    burst_skips_one_song,
    join_guest,
    next_state,
    open_room,
    reasons_of,
    wait_for_room,
)


async def test_two_votes_of_three_guests_present_skip_the_song_with_one_next(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host, skipShare=0.5)
    code = room["code"]
    guests = [await join_guest(host, code, name) for name in ("Ana", "Ben", "Cy")]
    async with AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(g.client.room_websocket()) for g in guests]
        ops = [await ws.subscribe(WATCH, {"code": code}) for ws in sockets]
        for ws, op in zip(sockets, ops, strict=True):
            await next_state(ws, op, lambda s: True)
        # Present: all three (the threshold is half of them, rounded up: 2).
        state = await wait_for_room(host, code, lambda s: s["guestsPresent"] == 3)
        assert state["skipThreshold"] == 2
        await emulator.reset_stats()

        first = await guests[0].client.query(VOTE, {"code": code})
        assert first["voteToSkip"]["skipVotes"] == 1
        assert emulator.player_commands(await emulator.stats(), HOST) == {}
        twice = await guests[0].client.execute(VOTE, {"code": code})
        assert reasons_of(twice) == ["ALREADY_VOTED"]

        skipped = await guests[1].client.query(VOTE, {"code": code})
        assert skipped["voteToSkip"]["trackNumber"] == room["trackNumber"] + 1
        assert skipped["voteToSkip"]["skipVotes"] == 0  # votes start over with the track
        await next_state(sockets[2], ops[2], lambda s: s["trackNumber"] == room["trackNumber"] + 1)
        assert emulator.player_commands(await emulator.stats(), HOST) == {NEXT: 1}

        # The third guest's vote counts against the new track, and skips nothing alone.
        late = await guests[2].client.query(VOTE, {"code": code})
        assert late["voteToSkip"]["skipVotes"] == 1
        assert emulator.player_commands(await emulator.stats(), HOST) == {NEXT: 1}


@pytest.mark.xfail(
    strict=False,
    reason="known race (docs/rooms.md, Not yet): once in a full run on PostgreSQL a subscriber "
    "saw the next track with the last track's vote count",
)
async def test_subscribers_see_the_votes_start_over_with_the_next_track(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host, votesToSkip=2)
    code = room["code"]
    guests = [await join_guest(host, code, name) for name in ("Ana", "Ben", "Cy")]
    async with guests[2].client.room_websocket() as ws:
        op = await ws.subscribe(WATCH, {"code": code})
        await next_state(ws, op, lambda s: True)
        for guest in guests[:2]:
            await guest.client.query(VOTE, {"code": code})
        seen = await next_state(ws, op, lambda s: s["trackNumber"] == room["trackNumber"] + 1)
    assert seen["skipVotes"] == 0


async def test_twenty_votes_at_once_skip_exactly_one_song_twenty_times(
    host: RoomClient, emulator: EmulatorHandle
) -> None:
    room = await open_room(host, votesToSkip=2)
    code = room["code"]
    guests = [await join_guest(host, code, f"Guest {n}") for n in range(20)]
    track_number = room["trackNumber"]
    for _ in range(20):
        track_number = await burst_skips_one_song(emulator, guests, host, code, track_number)
