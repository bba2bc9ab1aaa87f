"""Fuzz fixtures: one emulator and one golden database per backend, apps on its clones.

Both app fixtures are parametrized over the viewer: anonymous, and alice logged in through
the Spotify emulator after a library snapshot. ``fuzz`` (mutation tests) serves a clone of
the golden database of the test's own, so a mutation of one test never reaches another;
``fuzz_reads`` (query tests) is one app per backend and viewer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from spotify_emulator.testing import EmulatorHandle
from tests.fuzz import budget
from tests.fuzz.harness import Fuzz
from tests.fuzz.live import (
    BackgroundLoop,
    ErrorLog,
    Golden,
    app_settings,
    make_golden,
    start_emulator,
)
from tests.support import databases
from tests.support.services import postgres_reachable, require

VIEWERS = ["anonymous", "alice"]


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
    handler = ErrorLog(off_main_thread=True)
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
