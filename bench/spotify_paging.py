"""Benchmark: fetch a 10,000-track saved library from the emulator at 50 ms latency.

    .venv/bin/python bench/spotify_paging.py [--tracks 10000] [--latency-ms 50]

Compares the concurrent offset paging of ``graphql_api.spotify.paging`` with fetching
the same pages one by one, in the same run, against the ideal
``pages / concurrency * latency``. The emulator runs in this process (same event loop),
so the client and the server share the CPU, as they would not in production.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time

import httpx
from pydantic import SecretStr

from graphql_api.settings import Settings
from graphql_api.spotify.budget import MemoryBudget
from graphql_api.spotify.client import SpotifyClient, StaticToken
from graphql_api.spotify.paging import fetch_offset_pages
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import run_emulator

PAGE_SIZE = 50


async def _timed_fetch(client: SpotifyClient, concurrency: int) -> tuple[float, int]:
    started = time.perf_counter()
    items = await fetch_offset_pages(
        client, "/me/tracks", page_size=PAGE_SIZE, concurrency=concurrency
    )
    return time.perf_counter() - started, len(items)


async def main(tracks: int, latency_ms: float, levels: list[int]) -> None:
    print(f"generating a fixture with {tracks:,} saved tracks ...", flush=True)
    fixture = generate_fixture(
        users=1, saved_tracks=tracks, saved_albums=0, playlists=0, followed_artists=0, seed=1
    )
    async with run_emulator(fixture, latency_ms=latency_ms) as emulator:
        settings = Settings(
            spotify_client_id="mixtape-dev",
            spotify_client_secret=SecretStr("mixtape-dev-secret"),
            spotify_accounts_url=emulator.url,
            spotify_api_url=emulator.api_url,
            # Only the paging is measured: no app-wide budget in the way.
            spotify_requests_per_30s=1_000_000,
        )
        user = fixture["users"][0]["profile"]["id"]
        token = (await emulator.issue_tokens(user))["access_token"]
        async with httpx.AsyncClient(
            timeout=30, limits=httpx.Limits(max_connections=100, max_keepalive_connections=50)
        ) as http:
            client = SpotifyClient(
                http, settings, StaticToken(token), MemoryBudget(settings.spotify_requests_per_30s)
            )
            await client.get("/me")  # warm up the connection pool
            pages = math.ceil(tracks / PAGE_SIZE)
            latency = latency_ms / 1000
            rows = []
            for concurrency in levels:
                wall, count = await _timed_fetch(client, concurrency)
                if count != tracks:
                    raise SystemExit(f"fetched {count} items, expected {tracks}")
                # The issue's ideal; the first page, which tells the total, always comes
                # alone, so even a perfect client is one latency slower than this.
                ideal = pages / concurrency * latency
                rows.append((concurrency, wall, ideal))
    sequential = next(wall for c, wall, _ in rows if c == 1)
    print(
        f"\n{tracks:,} tracks = {pages} pages of {PAGE_SIZE}, emulator latency {latency_ms:g} ms\n"
    )
    print(f"{'concurrency':>11} {'wall s':>8} {'ideal s':>8} {'wall/ideal':>10} {'speed-up':>9}")
    for concurrency, wall, ideal in rows:
        print(
            f"{concurrency:>11} {wall:>8.2f} {ideal:>8.2f} {wall / ideal:>10.2f} "
            f"{sequential / wall:>8.1f}x"
        )
    print(
        "\nideal = pages / concurrency x latency (the first page, which gives the total, is"
        " always alone,\nso a perfect client is one latency above it). speed-up is against"
        " concurrency 1: the same pages one by one."
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 16])
    args = parser.parse_args()
    asyncio.run(main(args.tracks, args.latency_ms, sorted(set(args.concurrency) | {1})))
