"""What metrics and tracing cost the read path, in CPU instructions (stable on a busy machine).

    .venv/bin/python bench/_observability_instructions.py [--requests 100]
        [--configurations off metrics metrics+tracing metrics+tracing@1]

The companion of ``bench/observability.py`` (whose CPU-time figures swing by tens of
percent on a shared 2-core machine): the same app, the same ``{ viewer { … } }`` request,
the server run under ``valgrind --tool=callgrind`` (SQLite), instrumentation switched on only
around ``--requests`` sequential requests after a warm-up, for each configuration named
(``bench/observability.py``'s; ``off`` is needed for the ratios). Prints
instructions per request and the ratio of ``off``'s to each (requests/s at equal
instructions per second). Slow: valgrind starts each server in a minute or two.

NOT WORKING YET: on 2026-11-29 it reported 0 instructions per request (the toggle or the
totals read back is wrong); docs/operations.md says what is left.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _api_server import free_port  # bench/_api_server.py
from _databases import fresh_database  # bench/_databases.py
from observability import (  # bench/observability.py
    READ,
    SECRET_KEY,
    _seed,
    collector,
    server_configurations,
)

from graphql_api.settings import Settings


def instructions(env: dict[str, str], token: str, requests: int, out: Path) -> float:
    """Instructions the server spent per request under ``env``."""
    port = free_port()
    command = [
        "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
        sys.executable, "-m", "uvicorn", "graphql_api.app:create_app", "--factory",
        "--port", str(port), "--log-level", "critical",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=os.environ | env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    body = {"query": READ}
    headers = {"authorization": f"Bearer {token}"}
    try:
        for _ in range(1200):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/healthz", timeout=30).status_code == 200:
                    break
            time.sleep(0.5)
        with httpx.Client(timeout=120) as http:
            for _ in range(20):  # warm-up: connections, caches, lazily built things
                http.post(f"{url}/graphql", json=body, headers=headers).raise_for_status()
            subprocess.run(["callgrind_control", "-i", "on", str(server.pid)], check=True,
                           capture_output=True)  # fmt: skip
            for _ in range(requests):
                answer = http.post(f"{url}/graphql", json=body, headers=headers)
                answer.raise_for_status()
                assert "errors" not in answer.json(), answer.text
            subprocess.run(["callgrind_control", "-i", "off", str(server.pid)], check=True,
                           capture_output=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(120)
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1]) / requests
    raise RuntimeError(f"no totals in {out}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument(
        "--configurations", nargs="+", default=["off", "metrics", "metrics+tracing"]
    )
    args = parser.parse_args()
    sink = collector()

    async def prepare(url: str) -> str:
        return await _seed(Settings(database_url=url, secret_key=SECRET_KEY))  # type: ignore[arg-type]

    async def run() -> None:
        async with fresh_database("sqlite") as database_url:
            token = await prepare(database_url)
            configurations = {
                name: env
                for name, env in server_configurations(database_url, sink)
                if name in args.configurations
            }
            counts: dict[str, float] = {}
            with tempfile.TemporaryDirectory() as folder:
                for name, env in configurations.items():
                    out = Path(folder) / f"{name}.out"
                    counts[name] = await asyncio.to_thread(
                        instructions, env, token, args.requests, out
                    )
                    print(f"  {name:<18} {counts[name] / 1e6:7.2f} M instructions/request",
                          flush=True)  # fmt: skip
            print(f"read path, SQLite, {args.requests} requests under callgrind:")
            for name, count in counts.items():
                print(f"  {name:<18} {counts['off'] / count:6.1%} of off's requests/s")

    asyncio.run(run())


if __name__ == "__main__":
    main()
