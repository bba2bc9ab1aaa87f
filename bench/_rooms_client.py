"""A guest client process for bench/rooms.py: many ``room`` subscriptions, one per guest.

    python bench/_rooms_client.py WS_URL CODE VOTES TRACKS TOKEN [TOKEN ...]

Subscribes once per guest token, prints ``ready``, then records when each subscription
first saw each skip-vote count (1..VOTES) and each new track (1..TRACKS past the first
state's); prints them as one JSON object at the end (wall clock, same machine as the bench).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from websockets.asyncio.client import ClientConnection, connect

SUBSCRIPTION = "subscription($c: String!) { room(code: $c) { skipVotes trackNumber } }"


async def _subscriber(url: str, code: str, token: str) -> tuple[ClientConnection, dict]:
    ws = await connect(url, subprotocols=["graphql-transport-ws"], max_queue=None, open_timeout=120)  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": {"roomToken": token}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    payload = {"query": SUBSCRIPTION, "variables": {"c": code}}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    first = json.loads(await ws.recv())
    assert first["type"] == "next", first
    return ws, first["payload"]["data"]["room"]


async def _receive(
    ws: ClientConnection, first: dict, votes: int, tracks: int, out: dict[str, list]
) -> None:
    base = first["trackNumber"]
    seen_votes, seen_tracks = first["skipVotes"], 0
    while seen_votes < votes or seen_tracks < tracks:
        message = json.loads(await ws.recv())
        if message.get("type") != "next":
            continue
        room = message["payload"]["data"]["room"]
        now = time.time()
        while seen_votes < min(room["skipVotes"], votes):
            seen_votes += 1
            out["votes"].append((seen_votes, now))
        while seen_tracks < min(room["trackNumber"] - base, tracks):
            seen_tracks += 1
            out["tracks"].append((seen_tracks, now))


async def main(url: str, code: str, votes: int, tracks: int, tokens: list[str]) -> None:
    subscribed = []
    for start in range(0, len(tokens), 10):  # in waves, as guests arrive, not all at once
        batch = tokens[start : start + 10]
        subscribed += await asyncio.gather(*(_subscriber(url, code, t) for t in batch))
    print("ready", flush=True)
    out: dict[str, list] = {"votes": [], "tracks": []}
    await asyncio.gather(*(_receive(ws, first, votes, tracks, out) for ws, first in subscribed))
    print(json.dumps(out), flush=True)
    for ws, _ in subscribed:
        await ws.close()


if __name__ == "__main__":
    url, code, votes, tracks, *tokens = sys.argv[1:]
    asyncio.run(main(url, code, int(votes), int(tracks), tokens))
