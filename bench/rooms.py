"""Benchmark: one listening room with N subscribed guests.

    .venv/bin/python bench/rooms.py [--guests 500] [--processes 4] [--votes 10] [--tracks 5]

One API process (uvicorn in a subprocess; PostgreSQL by default, ``--engine sqlite`` for the
embedded default; in-process pub/sub; the poller in the process), the Spotify emulator in
this process, and N guests joined with
``joinRoomAsGuest``, each with a ``room`` subscription open, spread over ``--processes``
client processes (``_rooms_client.py``). Measures (wall clock, one machine):

1. vote to update: a guest's ``voteToSkip`` (votesToSkip is out of reach, so nothing is
   skipped) until every guest's subscription shows the new count: p50 / p99 / max over
   every (vote, guest) receipt;
2. host's track change to update: the emulator's player changes track until every guest
   sees the new ``trackNumber``. This includes the poller's interval
   (``MIXTAPE_POLL_PLAYING_SECONDS``, 0.5 s here): the poller finds the change, the room
   follows it, every guest gets it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

import httpx
from _api_server import api_process  # bench/_api_server.py (this script's directory)
from _databases import ENGINES, fresh_database
from fanout import _link_users, _pct
from pydantic import SecretStr

from graphql_api.auth.sessions import start_session
from graphql_api.composition import open_app_resources
from graphql_api.settings import Settings
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import EmulatorHandle, run_emulator

HERE = Path(__file__).resolve().parent
CREATE = """mutation { createRoom(name: "Bench", settings: {votesToSkip: 1000}) { code } }"""
JOIN = """mutation($c: String!, $n: String!) { joinRoomAsGuest(code: $c, displayName: $n) {
  guestToken } }"""
ROOM = "query($c: String!) { room(code: $c) { track { name } } }"
VOTE = "mutation($c: String!) { voteToSkip(code: $c) { skipVotes } }"


def _track(n: int) -> dict[str, object]:
    album = f"benchroomalbum{n:08d}"
    return {
        "type": "track", "id": f"benchroomtrack{n:08d}",
        "uri": f"spotify:track:benchroomtrack{n:08d}", "name": f"Bench {n}",
        "duration_ms": 600_000, "explicit": False, "is_local": False, "artists": [],
        "album": {"type": "album", "id": album, "uri": f"spotify:album:{album}",
                  "name": "Bench", "images": [], "artists": []},
    }  # fmt: skip


async def _play(emulator: EmulatorHandle, n: int) -> None:
    await emulator.set_player(
        "alice", {"item": _track(n), "is_playing": True, "progress_ms": 1000, "context": None}
    )


def _stats(latencies: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_pct(latencies, 0.50) * 1000, 1),
        "p99_ms": round(_pct(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "samples": len(latencies),
    }


async def _gql(
    http: httpx.AsyncClient, url: str, query: str, variables: dict, **headers: str
) -> dict:
    response = await http.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]


async def run(
    guests: int, processes: int, votes: int, tracks: int, engine: str
) -> dict[str, object]:
    fixture = generate_fixture(
        users=1, saved_tracks=3, saved_albums=0, playlists=0, playlist_items=0
    )
    async with fresh_database(engine) as database_url, run_emulator(fixture) as emulator:
        settings = Settings(
            database_url=database_url,
            spotify_client_id="mixtape-dev",
            spotify_client_secret=SecretStr("mixtape-dev-secret"),
            spotify_accounts_url=emulator.url,
            spotify_api_url=emulator.api_url,
        )
        await _play(emulator, 0)
        await _link_users(settings, emulator, ["alice"])
        async with open_app_resources(settings) as resources, resources.sessionmaker() as s:
            issued = await start_session(s, settings, user_id=1, method="bench")
            await s.commit()
        env = {
            "MIXTAPE_DATABASE_URL": database_url,
            "MIXTAPE_SPOTIFY_CLIENT_ID": "mixtape-dev",
            "MIXTAPE_SPOTIFY_CLIENT_SECRET": "mixtape-dev-secret",
            "MIXTAPE_SPOTIFY_ACCOUNTS_URL": emulator.url,
            "MIXTAPE_SPOTIFY_API_URL": emulator.api_url,
            "MIXTAPE_POLL_PLAYING_SECONDS": "0.5",
            "MIXTAPE_POLL_MIN_SECONDS": "0.1",
            "MIXTAPE_POLL_TICK_SECONDS": "0.1",
            "MIXTAPE_ROOM_JOINS_PER_ADDRESS": str(guests * 2),
            "MIXTAPE_RELEASES_ENABLED": "false",
            "MIXTAPE_LOG_LEVEL": "WARNING",
        }
        # The emulator lives in this loop: start the server without blocking it.
        server = await asyncio.to_thread(
            _enter, api_process(env, "--log-level", "warning", cwd=str(HERE.parent))
        )
        url = server[1]
        try:
            return await _measure(
                emulator, url, issued.access_token, guests, processes, votes, tracks
            )
        finally:
            await asyncio.to_thread(server[0].__exit__, None, None, None)


def _enter(manager):  # type: ignore[no-untyped-def]
    return manager, manager.__enter__()


async def _measure(
    emulator: EmulatorHandle, url: str, host_token: str, guests: int, processes: int,
    votes: int, tracks: int,
) -> dict[str, object]:  # fmt: skip
    async with httpx.AsyncClient(timeout=120) as http:
        code = (await _gql(http, url, CREATE, {}, authorization=f"Bearer {host_token}"))[
            "createRoom"
        ]["code"]
        tokens = []
        for n in range(guests):
            joined = await _gql(http, url, JOIN, {"c": code, "n": f"Guest {n}"})
            tokens.append(joined["joinRoomAsGuest"]["guestToken"])
        ws_url = url.replace("http", "ws", 1) + "/graphql"
        clients = []
        for p in range(processes):
            mine = tokens[p::processes]
            clients.append(await asyncio.create_subprocess_exec(
                sys.executable, str(HERE / "_rooms_client.py"), ws_url, code, str(votes),
                str(tracks), *mine, stdout=asyncio.subprocess.PIPE,
            ))  # fmt: skip
        for client in clients:
            assert client.stdout is not None
            assert (await client.stdout.readline()).strip() == b"ready"
        await asyncio.sleep(2)  # presence settles
        # Votes need a playing track: wait (bounded) until the room follows the host.
        for _ in range(600):
            room = await _gql(http, url, ROOM, {"c": code}, authorization=f"Bearer {host_token}")
            if room["room"]["track"] is not None:
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError("the room never saw the host's track")
        sent_votes: dict[int, float] = {}
        for k in range(1, votes + 1):
            sent_votes[k] = time.time()
            await _gql(http, url, VOTE, {"c": code}, **{"x-room-token": tokens[k]})
            await asyncio.sleep(0.5)
        sent_tracks: dict[int, float] = {}
        for t in range(1, tracks + 1):
            sent_tracks[t] = time.time()
            await _play(emulator, t)
            await asyncio.sleep(1.5)
        vote_latency: list[float] = []
        track_latency: list[float] = []
        for client in clients:
            assert client.stdout is not None
            out = json.loads(await client.stdout.readline())
            await client.wait()
            vote_latency += [at - sent_votes[k] for k, at in out["votes"]]
            track_latency += [at - sent_tracks[t] for t, at in out["tracks"]]
    return {
        "guests": guests,
        "processes": processes,
        "vote_to_every_guest": _stats(vote_latency),
        "host_track_change_to_every_guest": _stats(track_latency),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guests", type=int, default=500)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--votes", type=int, default=10)
    parser.add_argument("--tracks", type=int, default=5)
    parser.add_argument("--engine", choices=ENGINES, default="postgresql")
    args = parser.parse_args()
    result = asyncio.run(run(args.guests, args.processes, args.votes, args.tracks, args.engine))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
