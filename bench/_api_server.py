"""The API in a uvicorn subprocess of its own, for benchmarks that must not share its CPU."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def api_process(
    env: dict[str, str],
    *uvicorn_args: str,
    cwd: str | None = None,
    app: str = "graphql_api.app:create_app",
    on_start: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Serve the app factory ``app`` with ``env`` added; yields its URL once it answers
    (``on_start`` is handed the server's process id)."""
    with api_server(env, *uvicorn_args, cwd=cwd, app=app) as (url, pid):
        if on_start is not None:
            on_start(pid)
        yield url


@contextlib.contextmanager
def api_server(
    env: dict[str, str],
    *uvicorn_args: str,
    cwd: str | None = None,
    app: str = "graphql_api.app:create_app",
) -> Iterator[tuple[str, int]]:
    """``api_process``, yielding the server's process id too (to read its CPU time)."""
    port = free_port()
    command = [
        sys.executable,
        *("-m", "uvicorn", app, "--factory", "--port", str(port)),
        *uvicorn_args,
    ]
    server = subprocess.Popen(command, env=os.environ | env, cwd=cwd)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(400):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            time.sleep(0.05)
        yield url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:  # a server frozen by an abuse ignores SIGTERM
            server.kill()
            server.wait(10)
