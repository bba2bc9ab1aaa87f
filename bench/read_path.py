"""Benchmark: the read path. ``viewer.library.savedTracks(first: 50)`` with album, artists
and genres, over HTTP, against one ``mixtape serve`` process (uvicorn in a subprocess)
and, on PostgreSQL, against the same JSON from raw asyncpg + orjson (``_raw_app.py``).

    .venv/bin/python bench/read_path.py [--tracks 2000] [--seconds 10] [--connections 16]
                                        [--engine sqlite postgresql]

The library is saved once by the real snapshot job (emulator in this process, no
latency). The load generator is ``wrk`` (Debian: ``apt-get install wrk``) in its own
process: requests per second and p50 / p99 latency, and the ratio to the raw app.
{ __typename } on the same server is printed too (the GraphQL floor of the process).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _api_server import api_process, free_port  # bench/_api_server.py
from _databases import ENGINES, fresh_database  # bench/_databases.py
from snapshot import _link, _new_snapshot, _settings  # bench/snapshot.py

from graphql_api.auth.sessions import start_session
from graphql_api.composition import open_app_resources
from graphql_api.library.runner import run_snapshot
from spotify_emulator.generator import generate_fixture
from spotify_emulator.testing import run_emulator

SAVED_TRACKS = """{ viewer { library { savedTracks(first: 50) { totalCount edges { addedAt
  node { name durationMs album { name releaseDate } artists { name genres } } } } } } }"""
TYPENAME = "{ __typename }"
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
wrk.body = os.getenv("BENCH_BODY")
"""


async def _prepare(database_url: str, tracks: int) -> tuple[str, int, int]:
    """Save a library through the snapshot job; returns (access token, user id, version)."""
    fixture = generate_fixture(
        users=1, saved_tracks=tracks, saved_albums=50, playlists=5, playlist_items=200,
        followed_artists=50, new_releases=0,
    )  # fmt: skip
    async with run_emulator(fixture) as emulator:
        settings = _settings(database_url, emulator)
        user_id = await _link(settings, emulator)
        snapshot_id = await _new_snapshot(settings, user_id)
        async with open_app_resources(settings) as resources:
            await run_snapshot(resources, snapshot_id)
            async with resources.sessionmaker() as session:
                issued = await start_session(session, settings, user_id=user_id, method="bench")
                await session.commit()
    return issued.access_token, user_id, 1


def _wrk(url: str, token: str, query: str, seconds: float, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        body = json.dumps(json.dumps({"query": query}))
        auth = json.dumps(f"Bearer {token}")
        lua = WRK_SCRIPT.replace('os.getenv("BENCH_AUTH")', auth)
        script.write(lua.replace('os.getenv("BENCH_BODY")', body))
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds:.0f}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    command.append("-s")
    out = subprocess.run([*command, script.name, url], capture_output=True, text=True).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)

    def pct(p: str) -> float:
        match = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


@contextlib.contextmanager
def _raw_app(database_url: str, user_id: int, version: int) -> Iterator[str]:
    port = free_port()
    env = os.environ | {
        "RAW_DATABASE_URL": database_url.replace("postgresql+asyncpg://", "postgresql://"),
        "RAW_USER_ID": str(user_id),
        "RAW_VERSION": str(version),
    }
    command = [sys.executable, "-m", "uvicorn", "_raw_app:app", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=str(Path(__file__).parent))
    try:
        import time

        import httpx

        for _ in range(400):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.post(f"http://127.0.0.1:{port}/graphql", content=b"{}").status_code == 200:
                    break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.terminate()
        server.wait(10)


def _check(url: str, token: str) -> None:
    """One request first: a benchmark of error answers would measure nothing."""
    import httpx

    response = httpx.post(
        url, json={"query": SAVED_TRACKS}, headers={"authorization": f"Bearer {token}"},
        timeout=60,
    )  # fmt: skip
    edges = (response.json().get("data") or {}).get("viewer", {}).get("library", {})
    if response.status_code != 200 or not edges:
        sys.exit(f"savedTracks answered {response.status_code}: {response.text[:500]}")


def _line(label: str, r: dict[str, Any], base: dict[str, Any] | None = None) -> str:
    ratio = f", {r['rps'] / base['rps']:.2f}x the raw app" if base else ""
    errors = f", {r['errors']} non-2xx" if r["errors"] else ""
    return (f"{label}: {r['rps']:.0f} requests/s, p50 {r['p50']:.1f} ms, "
            f"p99 {r['p99']:.1f} ms{ratio}{errors}")  # fmt: skip


async def _one_engine(engine: str, args: argparse.Namespace) -> None:
    async with fresh_database(engine) as database_url:
        token, user_id, version = await _prepare(database_url, args.tracks)
        env = {"MIXTAPE_DATABASE_URL": database_url, "MIXTAPE_LOG_LEVEL": "WARNING",
               "MIXTAPE_POLL_ENABLED": "false", "MIXTAPE_SPOTIFY_CLIENT_ID": "bench",
               "MIXTAPE_SPOTIFY_CLIENT_SECRET": "bench"}  # fmt: skip
        raw = None
        if engine == "postgresql":
            with _raw_app(database_url, user_id, version) as raw_url:
                raw = await asyncio.to_thread(
                    _wrk, raw_url, token, SAVED_TRACKS, args.seconds, args.connections
                )
            print(_line(f"[{engine}] raw asyncpg + orjson savedTracks(first: 50)", raw), flush=True)
        serve_args = ("--log-level", "warning", "--no-access-log")
        with api_process(env, *serve_args) as url:
            _check(url + "/graphql", token)
            for label, query in (
                ("{ __typename }", TYPENAME),
                ("savedTracks(first: 50)", SAVED_TRACKS),
            ):
                result = await asyncio.to_thread(
                    _wrk, url + "/graphql", token, query, args.seconds, args.connections
                )
                base = raw if query is SAVED_TRACKS else None
                print(_line(f"[{engine}] mixtape serve {label}", result, base), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--engine", nargs="+", choices=ENGINES, default=list(ENGINES))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("read_path.py needs wrk (apt-get install wrk)")
    for engine in args.engine:
        asyncio.run(_one_engine(engine, args))


if __name__ == "__main__":
    main()
