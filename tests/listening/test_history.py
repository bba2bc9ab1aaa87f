"""viewer.listeningHistory and viewer.nowPlayingPoller over GraphQL, with the real poller."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from graphql_api.kit.pagination import encode_cursor
from graphql_api.listening.history import NewPlay, record_play
from graphql_api.listening.queries import PLAY_CURSOR
from graphql_api.resources import Resources
from spotify_emulator.testing import EmulatorHandle
from tests.listening.conftest import login, plain_user, track
from tests.support.graphql_client import GraphQLClient
from tests.support.spotify import linked_user

HISTORY = """query($first: Int!, $after: String, $since: DateTime, $until: DateTime) {
  viewer { listeningHistory(first: $first, after: $after, since: $since, until: $until) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { playedAt source msPlayed item { name artistNames } } }
  } }
}"""
POLLER = "{ viewer { nowPlayingPoller { enabled lastPollAt lastError nextPollAt stoppedReason } } }"
SET_POLLING = (
    "mutation($on: Boolean!) { setNowPlayingPolling(enabled: $on) { enabled stoppedReason } }"
)
T0 = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def test_history_pages_newest_first_within_a_range(
    resources: Resources, gql: GraphQLClient
) -> None:
    user_id = await plain_user(resources, "Listener")
    async with resources.sessionmaker() as session:
        for n in range(5):
            item = track(n) | {"duration_ms": 200_000}
            play = NewPlay(item, T0 + dt.timedelta(minutes=10 * n), 200_000, None, "poller")
            assert await record_play(session, user_id, play)
        # The same play again, seen by the backfill a little later: not a new play.
        again = NewPlay(track(4), T0 + dt.timedelta(minutes=40, seconds=20), None, None, "history")
        assert not await record_play(session, user_id, again)
        await session.commit()
    client = gql.with_token(await login(resources, user_id))
    names, after = [], None
    while True:
        data = await client.query(HISTORY, {"first": 2, "after": after})
        page = data["viewer"]["listeningHistory"]
        assert page["totalCount"] == 5
        names += [edge["node"]["item"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert names == [f"Song {n}" for n in (4, 3, 2, 1, 0)]
    ranged = await client.query(
        HISTORY,
        {
            "first": 10,
            "since": (T0 + dt.timedelta(minutes=10)).isoformat(),
            "until": (T0 + dt.timedelta(minutes=30)).isoformat(),
        },
    )
    edges = ranged["viewer"]["listeningHistory"]["edges"]
    assert [edge["node"]["item"]["name"] for edge in edges] == ["Song 2", "Song 1"]
    assert edges[0]["node"]["item"]["artistNames"] == ["Artist 2"]
    assert code(await client.execute(HISTORY, {"first": 1000})) == "BAD_USER_INPUT"
    assert code(await client.execute(HISTORY, {"first": 1, "after": "x"})) == "BAD_USER_INPUT"
    for key in ("9" * 30, "\u00b2"):
        odd = encode_cursor(PLAY_CURSOR, T0.isoformat(), key)
        body = await client.execute(HISTORY, {"first": 1, "after": odd})
        assert code(body) == "BAD_USER_INPUT", body
    for stamp in ("2026-03-01T12:00:00", "0001-01-01T00:00:00+14:00", "yesterday"):
        odd = encode_cursor(PLAY_CURSOR, stamp, 1)
        body = await client.execute(HISTORY, {"first": 1, "after": odd})
        assert code(body) == "BAD_USER_INPUT", (stamp, body)
    backwards = {"first": 1, "since": T0.isoformat(), "until": T0.isoformat()}
    assert code(await client.execute(HISTORY, backwards)) == "BAD_USER_INPUT"


async def test_poller_health_for_the_viewer(
    listening_resources: Resources, emulator: EmulatorHandle, client: GraphQLClient
) -> None:
    resources = listening_resources
    unlinked = client.with_token(await login(resources, await plain_user(resources, "Solo")))
    solo = (await unlinked.query(POLLER))["viewer"]["nowPlayingPoller"]
    assert solo["stoppedReason"] == "SPOTIFY_NOT_LINKED"

    user_id = await linked_user(resources, emulator, "alice")
    viewer = client.with_token(await login(resources, user_id))
    health = (await viewer.query(POLLER))["viewer"]["nowPlayingPoller"]
    while health["lastPollAt"] is None:  # the app's loop polls within a few ticks
        await asyncio.sleep(0.05)
        health = (await viewer.query(POLLER))["viewer"]["nowPlayingPoller"]
    assert health["stoppedReason"] is None
    assert health["nextPollAt"] is not None

    off = (await viewer.query(SET_POLLING, {"on": False}))["setNowPlayingPolling"]
    assert off == {"enabled": False, "stoppedReason": "DISABLED"}
    on = (await viewer.query(SET_POLLING, {"on": True}))["setNowPlayingPolling"]
    assert on == {"enabled": True, "stoppedReason": None}

    await emulator.revoke("alice")
    health = (await viewer.query(POLLER))["viewer"]["nowPlayingPoller"]
    # The token manager marks the link first; the poller then records its error.
    while health["stoppedReason"] is None or health["lastError"] is None:
        await asyncio.sleep(0.05)
        health = (await viewer.query(POLLER))["viewer"]["nowPlayingPoller"]
    assert health["stoppedReason"] == "SPOTIFY_RELINK_REQUIRED"
    assert health["lastError"]
    assert health["nextPollAt"] is None


async def test_a_history_cursor_with_a_time_without_timezone_or_out_of_range_is_bad_user_input(
    resources: Resources, gql: GraphQLClient
) -> None:
    client = gql.with_token(await login(resources, await plain_user(resources, "Listener")))
    for stamp in ("2026-03-01T12:00:00", "0001-01-01T00:00:00+14:00"):
        crafted = encode_cursor(PLAY_CURSOR, stamp, 1)
        body = await client.execute(HISTORY, {"first": 1, "after": crafted})
        assert code(body) == "BAD_USER_INPUT", (stamp, body)
    aware = encode_cursor(PLAY_CURSOR, T0.isoformat(), 1)
    page = (await client.query(HISTORY, {"first": 1, "after": aware}))["viewer"]
    assert page["listeningHistory"]["edges"] == []
