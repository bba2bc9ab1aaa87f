"""A real Mixtape app for synchronous fuzz tests, served from an event loop in a thread.

Hypothesis and schemathesis drive synchronous tests (schemathesis calls with ``requests``),
so the app cannot live in the test's own event loop: a blocking call would stall the server
it waits for. :class:`BackgroundLoop` runs one loop in a daemon thread; the emulator and
each app (``tests/support/server.py``'s uvicorn on a loopback port) run there.

:class:`Golden` holds a database on which a user logged in through the Spotify emulator and
took a library snapshot; each :class:`Target` serves a throwaway clone of it, so mutations of
one test never reach the next.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import threading
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from graphql_api.app import create_app
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle, run_emulator
from tests.auth.spotify_flow import login_with_spotify
from tests.support import databases
from tests.support.server import serve
from tests.support.spotify import point_at_emulator, small_fixture

T = TypeVar("T")

# The app's own loggers, uvicorn's (an exception escaping the ASGI app) and strawberry's.
WATCHED_LOGGERS = ("graphql_api", "uvicorn.error", "strawberry")


class BackgroundLoop:
    """An event loop running in a daemon thread; ``run`` waits for a coroutine's result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="fuzz-loop", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 300) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=30)
        self.loop.close()


class ErrorLog(logging.Handler):
    """Collects every ERROR (or worse) record of the watched loggers, from any thread, or
    with ``off_main_thread`` only from the others: the fuzzed apps run on background
    threads, while a test on the main thread may log an error on purpose
    (tests/schema/test_errors.py) in the same xdist worker."""

    def __init__(
        self, names: tuple[str, ...] = WATCHED_LOGGERS, *, off_main_thread: bool = False
    ) -> None:
        super().__init__(level=logging.ERROR)
        self.names = names
        self.off_main_thread = off_main_thread
        self.records: list[logging.LogRecord] = []
        # Records before this index were attributed to an answer already (by any test).
        self.checked = 0
        self._lock_records = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if self.off_main_thread and record.thread == threading.main_thread().ident:
            return
        with self._lock_records:
            self.records.append(record)

    def since(self, mark: int) -> list[str]:
        """The records logged after ``mark`` (a former ``len(records)``), formatted whole;
        they count as attributed from now on."""
        formatter = logging.Formatter("%(name)s %(levelname)s: %(message)s")
        with self._lock_records:
            self.checked = len(self.records)
            return [formatter.format(record) for record in self.records[mark:]]

    def unattributed(self) -> list[str]:
        """Records that no check has reported yet (e.g. logged after the last answer)."""
        return self.since(self.checked)

    def attach(self) -> None:
        for name in self.names:
            logging.getLogger(name).addHandler(self)

    def detach(self) -> None:
        for name in self.names:
            logging.getLogger(name).removeHandler(self)


@dataclass
class Known:
    """Real ids and cursors of the golden database, for generators to aim at real rows."""

    ids: list[str] = field(default_factory=list)
    cursors: list[str] = field(default_factory=list)


@dataclass
class Golden:
    """A database where alice logged in with Spotify and took a snapshot; bruno exists too."""

    backend: str
    url: str
    settings: Settings
    known: Known


@dataclass
class Target:
    """A running app on a clone of the golden database; ``token`` is alice's, or None."""

    base_url: str
    token: str | None
    stack: AsyncExitStack

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"} if self.token else {}


KNOWN_QUERY = """
query {
  viewer {
    id
    librarySnapshots(first: 2) { edges { cursor node { id } } }
    library {
      id
      savedTracks(first: 3) { pageInfo { endCursor } edges { cursor } }
      savedAlbums(first: 2) { edges { cursor } }
      followedArtists(first: 2) { edges { cursor } }
      playlists(first: 2) { edges { cursor node { items(first: 2) { edges { cursor } } } } }
    }
  }
}
"""


def _collect(value: Any, known: Known) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                known.ids.append(item)
            elif key in ("cursor", "endCursor") and isinstance(item, str):
                known.cursors.append(item)
            else:
                _collect(item, known)
    elif isinstance(value, list):
        for item in value:
            _collect(item, known)


async def spotify_login(http: httpx.AsyncClient, base_url: str, spotify_user: str) -> str:
    """Log in through the emulator's consent page, as a browser would; the access token."""
    answer = await login_with_spotify(http, base_url, spotify_user)
    if answer.status_code != 200:
        raise RuntimeError(f"Spotify login failed: {answer.status_code} {answer.text}")
    token: str = answer.json()["accessToken"]
    return token


async def start_emulator(stack: AsyncExitStack) -> EmulatorHandle:
    # A small library keeps the golden snapshot quick; quirks (local files, episodes) stay.
    fixture = small_fixture(saved_tracks=40, playlists=3, playlist_items=30, followed_artists=12)
    return await stack.enter_async_context(run_emulator(fixture))


def app_settings(database_url: str, emulator: EmulatorHandle, redis_prefix: str) -> Settings:
    """Embedded-default settings on ``database_url``, talking to ``emulator``."""
    base = Settings(
        database_url=database_url,
        redis_url=None,
        redis_prefix=redis_prefix,
        poll_enabled=False,
        # History uploads the fuzzers send land in the temporary folder, not ./var/.
        history_upload_dir=Path(tempfile.gettempdir()) / f"{redis_prefix}-history-uploads",
    )
    # No configured redirect URI: each app's callback is its own, on its own loopback port.
    return point_at_emulator(
        base, emulator, spotify_redirect_uri=None, spotify_requests_per_30s=100_000
    )


async def make_golden(backend: str, url: str, settings: Settings) -> Golden:
    """Log alice and bruno in through Spotify, snapshot alice's library, note real ids."""
    from tests.library.test_graphql import save_and_wait
    from tests.support.graphql_client import GraphQLClient

    async with serve(create_app(settings)) as base_url, httpx.AsyncClient(timeout=60) as http:
        token = await spotify_login(http, base_url, "alice")
        bruno = await spotify_login(http, base_url, "bruno")
        alice = GraphQLClient(base_url, http, token)
        await save_and_wait(alice)
        known = Known()
        _collect(await alice.query(KNOWN_QUERY), known)
        _collect(await GraphQLClient(base_url, http, bruno).query("{ viewer { id } }"), known)
    return Golden(backend=backend, url=url, settings=settings, known=known)


async def clone(golden: Golden, directory: Path, stack: AsyncExitStack) -> str:
    """A throwaway copy of the golden database, dropped (PostgreSQL) when ``stack`` closes."""
    if golden.backend == "sqlite":
        source = Path(golden.url.removeprefix("sqlite+aiosqlite:///"))
        return databases.clone_sqlite(source, directory)
    name = await databases.clone_postgres(golden.url.rsplit("/", 1)[1])
    stack.push_async_callback(databases.drop_postgres, name)
    return databases.postgres_url(name)


async def start_target(golden: Golden, directory: Path, *, logged_in: bool) -> Target:
    """Serve a fresh clone of ``golden``; log alice in again (a new session) when asked."""
    stack = AsyncExitStack()
    try:
        url = await clone(golden, directory, stack)
        settings = golden.settings.model_copy(update={"database_url": url})
        base_url = await stack.enter_async_context(serve(create_app(settings)))
        token = None
        if logged_in:
            async with httpx.AsyncClient(timeout=60) as http:
                token = await spotify_login(http, base_url, "alice")
    except BaseException:
        await stack.aclose()
        raise
    return Target(base_url=base_url, token=token, stack=stack)
