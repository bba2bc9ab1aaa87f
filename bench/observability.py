"""Benchmark: what metrics and tracing cost the read path, against the same app without them.

    .venv/bin/python bench/observability.py [--engines sqlite postgresql] [--rounds 5]
        [--seconds 4] [--clients 2] [--concurrency 4]

One checkout, one run, one database per engine (SQLite file, local PostgreSQL), the same
app started fresh in a uvicorn process of its own for every measurement, under three
configurations:

- ``off``: ``MIXTAPE_METRICS_ENABLED=false``, no ``MIXTAPE_OTEL_ENDPOINT`` (records nothing,
  starts no span: ``tests/observability/test_switches.py``);
- ``metrics``: the default (Prometheus metrics recorded, no tracing);
- ``metrics+tracing``: metrics, and traces exported by OTLP to a sink in this process, at
  the default ``MIXTAPE_OTEL_SAMPLE_RATIO`` (0.1);
- ``metrics+tracing@1``: the same with every trace recorded (what chasing a problem costs).

The load comes from ``--clients`` processes of their own, each sending an authenticated
``{ viewer { … } }`` ``--concurrency`` at a time for ``--seconds``. Each round runs every
configuration once, in a rotating order. Wall-clock requests/s move with whatever else a
shared machine runs, so the figure compared is the server's own CPU time per request
(``/proc/<pid>/stat``), as requests per second of one core; each configuration is divided
by the ``off`` run of the same round, and the median of those ratios is printed (with the
range). The issue asks for metrics and tracing to cost at most 5% (a ratio >= 95%).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.queues import Queue
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _api_server import api_server  # bench/_api_server.py (this script's directory)
from _databases import ENGINES, fresh_database  # bench/_databases.py

from graphql_api.settings import Settings

SECRET_KEY = "bench-secret-key-of-enough-length-0123456789"  # noqa: S105
READ = "{ viewer { id displayName email nowPlayingSharing } }"


class _Collector(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *_: object) -> None:
        return None


def collector() -> str:
    """An OTLP/HTTP sink on a loopback port, for the life of this process."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


async def _seed(settings: Settings) -> str:
    from graphql_api.auth.sessions import start_session
    from graphql_api.db.engine import create_engine, create_sessionmaker
    from graphql_api.db.models import User

    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            user = User(display_name="Bench", email="bench@example.com")
            session.add(user)
            await session.flush()
            issued = await start_session(session, settings, user_id=user.id, method="bench")
            await session.commit()
        return issued.access_token
    finally:
        await engine.dispose()


async def _load(url: str, token: str, seconds: float, concurrency: int, start_at: float) -> int:
    body = {"query": READ}
    headers = {"authorization": f"Bearer {token}"}
    done = 0
    async with httpx.AsyncClient(timeout=30) as http:
        # Warm up (connections, caches) before counting; every client counts from start_at.
        await asyncio.gather(*(http.post(f"{url}/graphql", json=body, headers=headers)
                               for _ in range(concurrency)))  # fmt: skip
        await asyncio.sleep(max(0.0, start_at - time.time()))
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                response = await http.post(f"{url}/graphql", json=body, headers=headers)
                assert response.status_code == 200, response.text
                assert "errors" not in response.json(), response.text
                done += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done


def load_process(
    url: str, token: str, seconds: float, concurrency: int, start_at: float, results: Queue[int]
) -> None:
    results.put(asyncio.run(_load(url, token, seconds, concurrency, start_at)))


def server_configurations(database_url: str, sink: str) -> list[tuple[str, dict[str, str]]]:
    """The environments compared: instrumentation off, metrics, metrics and tracing."""
    common = {
        "MIXTAPE_DATABASE_URL": database_url,
        "MIXTAPE_SECRET_KEY": SECRET_KEY,
        "MIXTAPE_POLL_ENABLED": "false",
        "MIXTAPE_SPOTIFY_CLIENT_ID": "bench",
        "MIXTAPE_SPOTIFY_CLIENT_SECRET": "bench",
        "MIXTAPE_LOG_LEVEL": "WARNING",
    }
    return [
        ("off", {**common, "MIXTAPE_METRICS_ENABLED": "false"}),
        ("metrics", common),
        ("metrics+tracing", {**common, "MIXTAPE_OTEL_ENDPOINT": sink}),
        (
            "metrics+tracing@1",
            {**common, "MIXTAPE_OTEL_ENDPOINT": sink, "MIXTAPE_OTEL_SAMPLE_RATIO": "1"},
        ),
    ]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_once(name: str, env: dict[str, str], token: str, args: argparse.Namespace) -> float:
    """One measurement; returns the requests per second of server CPU."""
    context = multiprocessing.get_context("spawn")
    results: Queue[int] = context.Queue()
    with api_server(env, "--log-level", "critical") as (url, pid):
        # The clients start counting together, after their warm-up (spawning takes ~1 s).
        start_at = time.time() + 3
        clients = [
            context.Process(
                target=load_process,
                args=(url, token, args.seconds, args.concurrency, start_at, results),
            )
            for _ in range(args.clients)
        ]
        for client in clients:
            client.start()
        time.sleep(max(0.0, start_at - time.time()))
        before = cpu_seconds(pid)
        count = sum(results.get() for _ in clients)
        used = cpu_seconds(pid) - before
        for client in clients:
            client.join()
    per_core = count / used if used else float("inf")
    print(
        f"    {name:<18} {count / args.seconds:7.1f} requests/s wall, "
        f"{used * 1000 / max(count, 1):6.2f} ms CPU/request = {per_core:7.1f} requests/s/core",
        flush=True,
    )
    return per_core


async def measure(engine: str, args: argparse.Namespace, sink: str) -> dict[str, list[float]]:
    """Per configuration, its ratio to ``off`` in each round."""
    async with fresh_database(engine) as database_url:
        settings = Settings(database_url=database_url, secret_key=SECRET_KEY)  # type: ignore[arg-type]
        token = await _seed(settings)
        configurations = server_configurations(database_url, sink)
        ratios: dict[str, list[float]] = {name: [] for name, _ in configurations}
        for round_number in range(1, args.rounds + 1):
            print(f"  {engine}, round {round_number}", flush=True)
            # A different order each round: whoever runs first must not always get the
            # quieter (or busier) moment of a shared machine.
            shift = (round_number - 1) % len(configurations)
            rates = {
                name: await asyncio.to_thread(run_once, name, env, token, args)
                for name, env in configurations[shift:] + configurations[:shift]
            }
            for name, rate in rates.items():
                ratios[name].append(rate / rates["off"])
        return ratios


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    sink = collector()
    results = {engine: asyncio.run(measure(engine, args, sink)) for engine in args.engines}
    print(
        f"read path, server CPU per request against 'off' in the same round, "
        f"median (min-max) of {args.rounds} round(s) of {args.seconds:.0f} s:"
    )
    for engine, ratios in results.items():
        for name, values in ratios.items():
            if name == "off":
                continue
            print(
                f"  {engine:<10} {name:<18} {statistics.median(values):6.1%} of off "
                f"({min(values):.1%}-{max(values):.1%})"
            )


if __name__ == "__main__":
    main()
