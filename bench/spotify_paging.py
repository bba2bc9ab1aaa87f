"""Benchmark: fetch a 10,000-track saved library from the emulator at 50 ms latency.

    .venv/bin/python bench/spotify_paging.py [--tracks 10000] [--latency-ms 50]

Measures, in one run, the concurrent offset paging of ``graphql_api.spotify.paging`` at
several concurrency levels against two baselines: the ideal ``pages / concurrency *
latency``, and the same pages fetched one by one (concurrency 1). The emulator runs in
this process (same event loop), so client and server share the CPU, as they would not
in production: on a small machine the emulator's own work caps the speed-up.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from dataclasses import dataclass

import httpx
from pydantic import SecretStr

from graphql_api.settings import Settings
from graphql_api.spotify.budget import MemoryBudget
from graphql_api.spotify.client import SpotifyClient, StaticToken
from graphql_api.spotify.paging import fetch_offset_pages
from spotify_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import run_emulator

PAGE_SIZE = 50


@dataclass(frozen=True)
class Run:
    concurrency: int
    wall_s: float
    ideal_s: float


async def _timed_fetch(client: SpotifyClient, concurrency: int, expected: int) -> float:
    started = time.perf_counter()
    items = await fetch_offset_pages(
        client, "/me/tracks", page_size=PAGE_SIZE, concurrency=concurrency
    )
    wall = time.perf_counter() - started
    if len(items) != expected:
        raise SystemExit(f"fetched {len(items)} items, expected {expected}")
    return wall


async def measure(tracks: int, latency_ms: float, levels: list[int]) -> list[Run]:
    """Fetch the whole library once per concurrency level, against one emulator."""
    fixture = generate_fixture(
        users=1, saved_tracks=tracks, saved_albums=0, playlists=0, followed_artists=0, seed=1
    )
    pages = math.ceil(tracks / PAGE_SIZE)
    latency_s = latency_ms / 1000
    runs = []
    async with run_emulator(fixture, latency_ms=latency_ms) as emulator:
        settings = Settings(
            spotify_client_id=DEFAULT_CLIENT_ID,
            spotify_client_secret=SecretStr(DEFAULT_CLIENT_SECRET),
            spotify_accounts_url=emulator.url,
            spotify_api_url=emulator.api_url,
            # Only the paging is measured: no app-wide budget in the way.
            spotify_requests_per_30s=1_000_000,
        )
        user = fixture["users"][0]["profile"]["id"]
        token = (await emulator.issue_tokens(user))["access_token"]
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
        async with httpx.AsyncClient(timeout=30, limits=limits) as http:
            budget = MemoryBudget(settings.spotify_requests_per_30s)
            client = SpotifyClient(http, settings, StaticToken(token), budget)
            await client.get("/me")  # opens a connection, so the first run pays no setup
            for concurrency in levels:
                wall = await _timed_fetch(client, concurrency, tracks)
                runs.append(Run(concurrency, wall, pages / concurrency * latency_s))
    return runs


def report(tracks: int, latency_ms: float, runs: list[Run]) -> str:
    """The table: each level's wall time against the ideal and against one by one."""
    pages = math.ceil(tracks / PAGE_SIZE)
    one_by_one = next(run.wall_s for run in runs if run.concurrency == 1)
    lines = [
        f"{tracks:,} tracks = {pages} pages of {PAGE_SIZE}, emulator latency {latency_ms:g} ms",
        f"one by one (concurrency 1): {one_by_one:.2f} s",
        "",
        f"{'concurrency':>11}  {'wall s':>7}  {'ideal s':>7}  {'wall/ideal':>10}"
        f"  {'one-by-one/wall':>15}",
    ]
    for run in runs:
        lines.append(
            f"{run.concurrency:>11}  {run.wall_s:>7.2f}  {run.ideal_s:>7.2f}"
            f"  {run.wall_s / run.ideal_s:>9.2f}x  {one_by_one / run.wall_s:>14.1f}x"
        )
    lines += [
        "",
        "ideal = pages / concurrency x latency. wall/ideal: how far from it (1.00x is ideal;",
        "the first page, which tells the total, always comes alone, so even a perfect client",
        "is one latency above it). one-by-one/wall: the speed-up over fetching the same pages",
        "one at a time, measured in this same run.",
    ]
    return "\n".join(lines)


async def main(tracks: int, latency_ms: float, levels: list[int]) -> None:
    print(f"fetching {tracks:,} saved tracks at concurrency {levels} ...", flush=True)
    runs = await measure(tracks, latency_ms, levels)
    print()
    print(report(tracks, latency_ms, runs))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8, 16])
    args = parser.parse_args()
    asyncio.run(main(args.tracks, args.latency_ms, sorted(set(args.concurrency) | {1})))
