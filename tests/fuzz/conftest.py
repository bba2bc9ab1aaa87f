"""Fuzz fixtures: one emulator and one golden database per backend, a fresh app per test.

``fuzz`` is parametrized over the viewer: anonymous, and alice logged in through the
Spotify emulator after a library snapshot. Each test gets its own clone of the golden
database, so a mutation of one test never reaches another.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest

from spotify_emulator.testing import EmulatorHandle
from tests.fuzz import budget
from tests.fuzz.live import (
    BackgroundLoop,
    ErrorLog,
    Golden,
    Target,
    app_settings,
    make_golden,
    spotify_login,
    start_emulator,
    start_target,
)
from tests.fuzz.oracle import graphql_problems, rest_problems
from tests.support import databases
from tests.support.services import postgres_reachable, require

VIEWERS = ["anonymous", "alice"]
ALIVE = "{ viewer { library { id } } }"


@pytest.fixture(scope="session")
def fuzz_loop() -> Iterator[BackgroundLoop]:
    loop = BackgroundLoop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def fuzz_emulator(fuzz_loop: BackgroundLoop) -> Iterator[EmulatorHandle]:
    stack = AsyncExitStack()
    handle = fuzz_loop.run(start_emulator(stack))
    yield handle
    fuzz_loop.run(stack.aclose())


@pytest.fixture(scope="session")
def error_log() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    handler.attach()
    yield handler
    handler.detach()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def golden(
    request: pytest.FixtureRequest,
    fuzz_loop: BackgroundLoop,
    fuzz_emulator: EmulatorHandle,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
) -> Iterator[Golden]:
    """The golden database of this backend: alice logged in and snapshotted, bruno exists."""
    prefix = f"mixtape-fuzz-{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        url = databases.clone_sqlite(sqlite_template, tmp_path_factory.mktemp("fuzz-golden"))
        yield fuzz_loop.run(make_golden("sqlite", url, app_settings(url, fuzz_emulator, prefix)))
        return
    require("PostgreSQL", postgres_reachable())
    name = fuzz_loop.run(databases.clone_postgres(request.getfixturevalue("postgres_template")))
    url = databases.postgres_url(name)
    try:
        yield fuzz_loop.run(make_golden("postgres", url, app_settings(url, fuzz_emulator, prefix)))
    finally:
        fuzz_loop.run(databases.drop_postgres(name))


class Fuzz:
    """A test's running app, the viewer's token, and the oracle applied to each answer."""

    def __init__(
        self,
        loop: BackgroundLoop,
        golden: Golden,
        directory: Path,
        error_log: ErrorLog,
        *,
        logged_in: bool,
    ) -> None:
        self.loop = loop
        self.golden = golden
        self.directory = directory
        self.error_log = error_log
        self.logged_in = logged_in
        self.http = httpx.Client(timeout=60)
        self.targets: list[Target] = []
        self.logged_in_at = 0.0
        self.target = self._start()
        self.restarts = 0

    def _start(self) -> Target:
        target = self.loop.run(start_target(self.golden, self.directory, logged_in=self.logged_in))
        self.targets.append(target)
        self.logged_in_at = time.monotonic()
        return target

    @property
    def known(self) -> Any:
        return self.golden.known

    def headers(self) -> dict[str, str]:
        """The viewer's headers; alice logs in again before her access token expires (a long
        ``make fuzz`` run outlives it), so she never turns anonymous unnoticed."""
        lifetime = self.golden.settings.auth_access_token_ttl_s
        if self.logged_in and time.monotonic() - self.logged_in_at > lifetime / 2:
            self.target.token = self.loop.run(self._login_again())
        return self.target.headers()

    def post_graphql(self, body: Any) -> httpx.Response:
        """POST ``body`` as JSON to /graphql, as the viewer; checks the oracle."""
        mark = len(self.error_log.records)
        # json.dumps escapes lone surrogates (``"\\ud800"``), which is valid JSON; httpx's
        # own encoding would refuse them before sending.
        response = self.http.post(
            self.target.graphql_url,
            content=json.dumps(body).encode(),
            headers={"content-type": "application/json", **self.headers()},
        )
        self.check(response.status_code, _content_type(response), response.content, mark, body)
        return response

    def check(
        self,
        status: int,
        content_type: str,
        content: bytes,
        mark: int,
        sent: Any,
        *,
        rest: bool = False,
    ) -> None:
        """The oracle for one answer: ``/graphql``'s, or a REST route's when ``rest``;
        ``mark`` is ``len(error_log.records)`` from before the request."""
        oracle = rest_problems if rest else graphql_problems
        problems = oracle(status, content_type, content) + self._logged_since(mark)
        assert not problems, _report(problems, sent, budget.SEED)

    def _logged_since(self, mark: int) -> list[str]:
        # A record may land just after its answer (uvicorn logs an exception after the 500
        # went out): then it is reported with the next answer, or at the fixture's teardown.
        return [f"logged: {line}" for line in self.error_log.since(mark)]

    def keep_viewer(self) -> None:
        """After a mutation: if alice's session ended (``logout``, an expired token), log her
        in again; if her account is gone (``deleteAccount``), start over on a fresh clone. So
        later examples still fuzz a logged-in user with a snapshot, not an anonymous one."""
        if not self.logged_in or self.viewer_has_library():
            return
        self.target.token = self.loop.run(self._login_again())
        if self.viewer_has_library():
            return
        self.restarts += 1
        self.target = self._start()

    async def _login_again(self) -> str:
        self.logged_in_at = time.monotonic()
        async with httpx.AsyncClient(timeout=60) as http:
            return await spotify_login(http, self.target.base_url, "alice")

    def viewer_has_library(self) -> bool:
        """Whether the viewer is alice, logged in, with her snapshot."""
        answer = self.http.post(
            self.target.graphql_url, json={"query": ALIVE}, headers=self.headers()
        )
        viewer = (answer.json().get("data") or {}).get("viewer") if answer.is_success else None
        return bool(viewer and viewer.get("library"))

    def close(self) -> None:
        self.http.close()
        for target in self.targets:
            self.loop.run(target.stack.aclose())


def _content_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "")


def _report(problems: list[str], sent: Any, seed: int) -> str:
    lines = "\n  ".join(problems)
    return f"{lines}\nsent: {sent!r:.2000}\n(replay with MIXTAPE_FUZZ_SEED={seed})"


@pytest.fixture(params=VIEWERS)
def fuzz(
    request: pytest.FixtureRequest,
    fuzz_loop: BackgroundLoop,
    golden: Golden,
    error_log: ErrorLog,
    tmp_path: Path,
) -> Iterator[Fuzz]:
    """A fresh app on a throwaway clone of the golden database, as the parametrized viewer:
    for mutations, whose effects must not reach other tests."""
    session = Fuzz(fuzz_loop, golden, tmp_path, error_log, logged_in=request.param == "alice")
    yield session
    session.close()
    assert session.error_log.unattributed() == []


@pytest.fixture(scope="session", params=VIEWERS)
def fuzz_reads(
    request: pytest.FixtureRequest,
    fuzz_loop: BackgroundLoop,
    golden: Golden,
    error_log: ErrorLog,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Fuzz]:
    """One app per backend and viewer, shared by the query tests (queries change nothing;
    starting an app per test would spend the budget on start-ups)."""
    directory = tmp_path_factory.mktemp("fuzz-reads")
    session = Fuzz(fuzz_loop, golden, directory, error_log, logged_in=request.param == "alice")
    yield session
    session.close()
    assert session.error_log.unattributed() == []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reports = [
        report
        for kind in ("passed", "failed", "error")
        for report in terminalreporter.stats.get(kind, [])
    ]
    if any("tests/fuzz/" in getattr(report, "nodeid", "") for report in reports):
        terminalreporter.write_line(
            f"fuzz: seed {budget.SEED}, examples x{budget.SCALE} "
            "(MIXTAPE_FUZZ_SEED, MIXTAPE_FUZZ_EXAMPLES)"
        )
