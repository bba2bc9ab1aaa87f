"""One poll at a time against the emulator: stored state, events, plays, failures."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
from pydantic import SecretStr
from sqlalchemy import select

from graphql_api.app import create_app
from graphql_api.composition import open_app_resources
from graphql_api.db.models import NowPlaying, Play, Poller, SpotifyAccount
from graphql_api.listening.events import NowPlayingEvent, channel
from graphql_api.listening.poller import RELINK_REQUIRED, poll_user
from graphql_api.listening.queries import poller_health
from graphql_api.listening.scheduler import Claim, claim_due, ensure_pollers
from graphql_api.resources import Resources
from spotify_emulator.testing import EmulatorHandle
from tests.listening.conftest import login, playing, track
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
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


POLLER_HEALTH = """{ viewer {
  spotify { needsRelink }
  nowPlayingPoller { stoppedReason lastError nextPollAt }
} }"""


async def test_a_401_just_after_a_successful_refresh_marks_the_link_and_stops_polling(
    listening_resources: Resources, emulator: EmulatorHandle
) -> None:
    resources = listening_resources
    user_id = await linked_user(resources, emulator, "alice")
    await ensure_pollers(resources.sessionmaker)
    await emulator.configure(reject_access_tokens=True)
    outcome = await poll_user(resources, await _claim(resources, user_id))
    # The refresh succeeded; Spotify rejected the token it had just issued.
    assert resources.spotify.tokens.refreshes == 1
    assert outcome.error == "Spotify rejected the refreshed access token"
    assert await claim_due(resources.sessionmaker, limit=10, lease=LEASE) == []
    async with resources.sessionmaker() as session:
        health = await poller_health(session, resources.settings, user_id)
    assert health.stopped_reason == "SPOTIFY_RELINK_REQUIRED"
    assert health.last_error == "Spotify rejected the refreshed access token"
    assert health.next_poll_at is None


async def test_tokens_no_configured_key_decrypts_mark_the_link_and_show_why_in_the_health(
    listening_resources: Resources,
    emulator: EmulatorHandle,
    http: httpx.AsyncClient,
) -> None:
    user_id = await linked_user(listening_resources, emulator, "alice")
    await ensure_pollers(listening_resources.sessionmaker)
    # MIXTAPE_SECRET_KEY rotated without the old key in MIXTAPE_PREVIOUS_SECRET_KEYS.
    rotated = listening_resources.settings.model_copy(
        update={"secret_key": SecretStr("a-new-secret-key-" + "x" * 32), "poll_enabled": False}
    )
    async with open_app_resources(rotated) as resources:
        outcome = await poll_user(resources, await _claim(resources, user_id))
        assert outcome.error is not None
        assert "cannot be read" in outcome.error
        assert await claim_due(resources.sessionmaker, limit=10, lease=LEASE) == []
        token = await login(resources, user_id)
    async with serve(create_app(rotated)) as url:
        viewer = (await GraphQLClient(url, http, token).query(POLLER_HEALTH))["viewer"]
    assert viewer["spotify"] == {"needsRelink": True}
    assert viewer["nowPlayingPoller"] == {
        "stoppedReason": "SPOTIFY_RELINK_REQUIRED",
        "lastError": outcome.error,
        "nextPollAt": None,
    }
