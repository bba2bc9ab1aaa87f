"""Benchmark: /healthz latency while abusive GraphQL requests hit the server.

    .venv/bin/python bench/abuse.py [--seconds 3] [--concurrency 4] [--server-path DIR]

Three kinds of processes: the API (uvicorn in a subprocess, SQLite, in-process jobs), the
abusers (a subprocess of their own sending one abusive request after another, ``--concurrency``
at a time), and this one, which probes ``/healthz`` every 10 ms. First a baseline without
abuse, then each abuse of ``tests/support/abuse.py`` in turn (and a 200 MB body announced and
trickled); each line compares the probe's p50 / p99 / max with the baseline measured in the
same run, and says how fast the abuse was refused. A probe that waits more than 2 s counts as
unanswered. ``--server-path`` serves another checkout (e.g. the previous commit) for a
before/after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _api_server import api_process  # bench/_api_server.py (this script's directory)

from graphql_api.db.migrations import upgrade
from graphql_api.settings import Settings
from tests.support.abuse import ABUSES

PROBE_EVERY_S = 0.01
PROBE_TIMEOUT_S = 2.0
BIG_BODY = "200mb-body"


def abuse_api(database_url: str, server_path: str | None) -> contextlib.AbstractContextManager[str]:
    env = {
        "MIXTAPE_DATABASE_URL": database_url,
        "MIXTAPE_POLL_ENABLED": "false",
        "MIXTAPE_SPOTIFY_CLIENT_ID": "bench",
        "MIXTAPE_SPOTIFY_CLIENT_SECRET": "bench",
        "MIXTAPE_LOG_LEVEL": "WARNING",
    }
    if server_path:
        env["PYTHONPATH"] = server_path
    return api_process(env, "--log-level", "critical", cwd=server_path)


async def _abuse_once(url: str, name: str) -> tuple[float, int]:
    started = time.perf_counter()
    if name == BIG_BODY:
        # 200 MB announced, then trickled: the server must answer without waiting for it.
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(
            f"POST /graphql HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n"
            "content-length: 200000000\r\n\r\n".encode()
        )
        writer.write(b"x" * 65_536)
        await writer.drain()
        status_line = await reader.readline()
        writer.close()
        return time.perf_counter() - started, int(status_line.split()[1])
    async with httpx.AsyncClient(timeout=600) as http:
        response = await http.post(
            f"{url}/graphql",
            content=ABUSES[name].body,
            headers={
                "content-type": "application/json",
                "accept": "application/graphql-response+json",
            },
        )
    return time.perf_counter() - started, response.status_code


async def _abuse_loop(url: str, name: str, concurrency: int, stop: EventType) -> None:
    async def worker() -> None:
        while not stop.is_set():
            with contextlib.suppress(httpx.HTTPError, OSError):
                await _abuse_once(url, name)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def abuser(url: str, name: str, concurrency: int, stop: EventType) -> None:
    """The abusers' process: abuse until told to stop."""
    asyncio.run(_abuse_loop(url, name, concurrency, stop))


async def probe(url: str, seconds: float) -> list[float | None]:
    """Latencies of /healthz, one probe every 10 ms; None for one unanswered within 2 s."""
    latencies: list[float | None] = []
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(timeout=PROBE_TIMEOUT_S) as http:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                await http.get(f"{url}/healthz")
                latencies.append(time.perf_counter() - started)
            except httpx.HTTPError:
                latencies.append(None)
            await asyncio.sleep(PROBE_EVERY_S)
    return latencies


def summary(latencies: list[float | None]) -> dict[str, float]:
    answered = sorted(value for value in latencies if value is not None)
    if not answered:
        return {"p50": float("nan"), "p99": float("nan"), "max": float("nan"), "lost": 1.0}

    def pct(q: float) -> float:
        return answered[min(len(answered) - 1, int(q * len(answered)))] * 1000

    return {
        "p50": pct(0.5),
        "p99": pct(0.99),
        "max": answered[-1] * 1000,
        "lost": (len(latencies) - len(answered)) / len(latencies),
    }


def one_refusal(url: str, name: str) -> tuple[float, int] | None:
    try:
        return asyncio.run(asyncio.wait_for(_abuse_once(url, name), 10))
    except (TimeoutError, httpx.HTTPError, OSError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--server-path", default=None)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    names = [*ABUSES, BIG_BODY]
    if args.only:
        names = [name for name in names if name in args.only]
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(Settings(database_url=database_url))
        with abuse_api(database_url, args.server_path) as url:
            base = summary(asyncio.run(probe(url, args.seconds)))
            print(
                f"{'baseline':<15} healthz p50 {base['p50']:6.1f} ms  p99 {base['p99']:6.1f} ms"
                f"  max {base['max']:7.1f} ms",
                flush=True,
            )
            for name in names:
                refusal = one_refusal(url, name)
                stop = context.Event()
                process = context.Process(
                    target=abuser, args=(url, name, args.concurrency, stop), daemon=True
                )
                process.start()
                time.sleep(0.3)  # let the abusers reach the server
                during = summary(asyncio.run(probe(url, args.seconds)))
                stop.set()
                process.join(5)
                if process.is_alive():
                    process.kill()
                refused = (
                    f"answered {refusal[1]} in {refusal[0] * 1000:7.1f} ms"
                    if refusal
                    else "no answer within 10 s"
                )
                print(
                    f"{name:<15} healthz p50 {during['p50']:6.1f} ms  p99 {during['p99']:6.1f} ms"
                    f"  max {during['max']:7.1f} ms  (p99 x{during['p99'] / base['p99']:.1f}"
                    f" baseline, {during['lost']:.0%} unanswered); one abuse alone {refused}",
                    flush=True,
                )
                if during["lost"] >= 1.0:
                    print("server no longer answers: stopping here", flush=True)
                    break


if __name__ == "__main__":
    main()
