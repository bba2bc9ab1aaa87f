"""A fan-out client process for bench/fanout.py: many graphql-transport-ws subscriptions.

    python bench/_fanout_client.py WS_URL EVENTS TOKEN:COUNT [TOKEN:COUNT ...]

Opens COUNT ``nowPlaying`` subscriptions per token, prints ``ready``, then waits until
every subscription has received EVENTS events. Each event's item name carries the wall
time it was published at (same machine, same clock), so each receipt's latency is known
here; prints them as one JSON list at the end.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from websockets.asyncio.client import ClientConnection, connect

SUBSCRIPTION = "subscription { nowPlaying { change item { name } } }"


async def _subscriber(url: str, token: str) -> ClientConnection:
    ws = await connect(
        url,
        subprotocols=["graphql-transport-ws"],
        max_queue=None,
        open_timeout=120,  # type: ignore[list-item]
    )
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
    first = json.loads(await ws.recv())
    assert first["type"] == "next", first
    return ws


async def _receive(ws: ClientConnection, events: int, out: list[float]) -> None:
    got = 0
    while got < events:
        message = json.loads(await ws.recv())
        if message.get("type") != "next":
            continue
        name = message["payload"]["data"]["nowPlaying"]["item"]["name"]
        out.append(time.time() - float(name.rsplit("@", 1)[1]))
        got += 1


async def main(url: str, events: int, wanted: list[tuple[str, int]]) -> None:
    jobs = [token for token, count in wanted for _ in range(count)]
    sockets: list[ClientConnection] = []
    for start in range(0, len(jobs), 100):  # in waves: the server's accept backlog is finite
        sockets += await asyncio.gather(*(_subscriber(url, t) for t in jobs[start : start + 100]))
    print("ready", flush=True)
    latencies: list[float] = []
    await asyncio.gather(*(_receive(ws, events, latencies) for ws in sockets))
    print(json.dumps(latencies), flush=True)
    for ws in sockets:
        await ws.close()


if __name__ == "__main__":
    pairs = [(t, int(c)) for t, c in (arg.rsplit(":", 1) for arg in sys.argv[3:])]
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), pairs))
