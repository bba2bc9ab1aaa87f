"""One poll at a time against the emulator: stored state, events, plays, failures."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from graphql_api.db.models import NowPlaying, Play, Poller, SpotifyAccount
from graphql_api.listening.events import NowPlayingEvent, channel
from graphql_api.listening.poller import RELINK_REQUIRED, poll_user
from graphql_api.listening.scheduler import Claim, claim_due, ensure_pollers
from graphql_api.resources import Resources
from spotify_emulator.testing import EmulatorHandle
from tests.listening.conftest import playing, track
from tests.support.spotify import linked_user

LEASE = dt.timedelta(seconds=10)


async def _claim(resources: Resources, user_id: int) -> Claim:
    async with resources.sessionmaker() as session:
        poller = await session.get(Poller, user_id)
        assert poller is not None
        poller.next_poll_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        await session.commit()
    claims = await claim_due(resources.sessionmaker, limit=10, lease=LEASE)
    assert [c.user_id for c in claims] == [user_id]
    return claims[0]


async def test_polls_store_state_and_publish_only_real_changes(
    listening_resources: Resources, emulator: EmulatorHandle
) -> None:
    resources = listening_resources
    user_id = await linked_user(resources, emulator, "alice")
    assert await ensure_pollers(resources.sessionmaker) == 1
    await emulator.set_player("alice", playing(track(1), progress_ms=5000))
    events: list[NowPlayingEvent] = []
    async with resources.pubsub.subscribe(channel(user_id)) as subscription:

        async def collect() -> None:
            async for message in subscription:
                events.append(NowPlayingEvent.from_message(message))

        collector = asyncio.create_task(collect())
        first = await poll_user(resources, await _claim(resources, user_id))
        again = await poll_user(resources, await _claim(resources, user_id))
        await emulator.set_player("alice", playing(track(1), progress_ms=6000, is_playing=False))
        paused = await poll_user(resources, await _claim(resources, user_id))
        await emulator.set_player("alice", playing(track(2), progress_ms=0))
        changed = await poll_user(resources, await _claim(resources, user_id))
        await asyncio.sleep(0.05)
        collector.cancel()

    assert first.change == "TRACK_CHANGED"
    assert first.error is None
    assert again.change is None
    assert (paused.change, changed.change) == ("PAUSED", "TRACK_CHANGED")
    assert [e.change for e in events] == ["TRACK_CHANGED", "PAUSED", "TRACK_CHANGED"]
    assert events[0].playback.item is not None
    assert events[0].playback.item.name == "Song 1"
    assert events[0].playback.item.artist_names == ("Artist 1",)
    async with resources.sessionmaker() as session:
        state = await session.get(NowPlaying, user_id)
        poller = await session.get(Poller, user_id)
    assert state is not None
    assert state.item is not None
    assert state.item["name"] == "Song 2"
    assert state.is_playing
    assert state.song_id is not None
    assert poller is not None
    assert poller.last_poll_at is not None
    assert poller.last_error is None
    assert poller.next_poll_at > poller.last_poll_at


async def test_a_claim_is_taken_by_one_caller_only(
    listening_resources: Resources, emulator: EmulatorHandle
) -> None:
    resources = listening_resources
    user_ids = [await linked_user(resources, emulator, name) for name in ("alice", "bruno")]
    await ensure_pollers(resources.sessionmaker)
    results = await asyncio.gather(
        *(claim_due(resources.sessionmaker, limit=10, lease=LEASE) for _ in range(4))
    )
    claimed = sorted(claim.user_id for claims in results for claim in claims)
    assert claimed == sorted(user_ids)
    assert await claim_due(resources.sessionmaker, limit=10, lease=LEASE) == []


async def test_the_first_poll_fills_history_from_recently_played(
    listening_resources: Resources, emulator: EmulatorHandle
) -> None:
    resources = listening_resources
    user_id = await linked_user(resources, emulator, "alice")
    await ensure_pollers(resources.sessionmaker)
    expected = len(emulator.state.users["alice"].recently_played)
    assert expected > 0
    await poll_user(resources, await _claim(resources, user_id))
    # Polling again at once finds nothing new to add.
    outcome = await poll_user(resources, await _claim(resources, user_id))
    async with resources.sessionmaker() as session:
        plays = (await session.scalars(select(Play).where(Play.user_id == user_id))).all()
    assert 0 < len(plays) <= expected
    assert {play.source for play in plays} == {"history"}
    assert outcome.plays == 0


async def test_a_user_who_must_relink_is_stopped_and_no_longer_claimed(
    listening_resources: Resources, emulator: EmulatorHandle
) -> None:
    resources = listening_resources
    user_id = await linked_user(resources, emulator, "alice")
    await ensure_pollers(resources.sessionmaker)
    await emulator.revoke("alice")
    outcome = await poll_user(resources, await _claim(resources, user_id))
    assert outcome.error is not None
    async with resources.sessionmaker() as session:
        poller = await session.get(Poller, user_id)
        account = await session.get(SpotifyAccount, user_id)
    assert poller is not None
    assert poller.stopped_reason == RELINK_REQUIRED
    assert account is not None
    assert account.needs_relink
    assert await claim_due(resources.sessionmaker, limit=10, lease=LEASE) == []


async def test_a_stale_reading_never_overwrites_a_newer_one(
    listening_resources: Resources, emulator: EmulatorHandle
) -> None:
    """A poll that outlived its lease loses to the process that claimed the user after it."""
    resources = listening_resources
    user_id = await linked_user(resources, emulator, "alice")
    await ensure_pollers(resources.sessionmaker)
    await emulator.set_player("alice", playing(track(1), progress_ms=5000))
    await poll_user(resources, await _claim(resources, user_id))
    async with resources.sessionmaker() as session:
        state = await session.get(NowPlaying, user_id)
        assert state is not None
        # Another process stored a reading taken after the one about to be written.
        state.observed_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
        await session.commit()
    await emulator.set_player("alice", playing(track(2), progress_ms=0))
    stale = await poll_user(resources, await _claim(resources, user_id))
    assert stale.change is None
    async with resources.sessionmaker() as session:
        state = await session.get(NowPlaying, user_id)
    assert state is not None
    assert state.item is not None
    assert state.item["name"] == "Song 1"
