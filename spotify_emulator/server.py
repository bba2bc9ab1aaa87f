"""Running the emulator with uvicorn inside an existing event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Generator

import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT_S = 10.0


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to its host program.

    It also stops as soon as asked instead of at its next 0.1 s tick, which adds up over
    a test suite that starts an emulator per test.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.exit_requested = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.exit_requested.wait(), 0.1)

    def request_exit(self) -> None:
        self.should_exit = True
        self.exit_requested.set()


class BackgroundServer:
    """A server running as a task of the current loop; `url` is where it listens."""

    def __init__(self, server: _EmbeddedServer, task: asyncio.Task[None], host: str, port: int):
        self._server = server
        self._task = task
        self.host = host
        self.port = port
        self.url = f"http://{_url_host(host)}:{port}"

    async def stop(self) -> None:
        """Shut down gracefully and wait until the task is done."""
        self._server.request_exit()
        await self._task


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


async def serve_in_background(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 0, *, log_level: str = "warning"
) -> BackgroundServer:
    """Start `app` on `host:port` (0 = a free port) in this loop; return once it serves."""
    # Idle connections outlive the clients' keep-alive (httpx: 5 s, uvicorn's default too),
    # so a client never reuses a connection the emulator is closing at that moment.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_keep_alive=75,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(), name=f"spotify-emulator-{host}:{port}")
    deadline = asyncio.get_running_loop().time() + STARTUP_TIMEOUT_S
    while not server.started:
        if task.done() or asyncio.get_running_loop().time() > deadline:
            server.request_exit()
            # uvicorn exits via SystemExit when it cannot bind; report it plainly.
            with contextlib.suppress(SystemExit, Exception):
                await task
            raise RuntimeError(f"the Spotify emulator could not start on {host}:{port}")
        await asyncio.sleep(0.01)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    logging.getLogger(__name__).info("Spotify emulator listening on %s:%s", host, bound_port)
    return BackgroundServer(server, task, host, bound_port)
