"""Password hashing runs off the event loop, never more hashes at once than the bound."""

from __future__ import annotations

import asyncio
import threading

from argon2 import PasswordHasher

from graphql_api.auth.passwords import (
    THREAD_NAME_PREFIX,
    PasswordHashing,
    default_concurrency,
    password_hashing,
)
from graphql_api.settings import Settings

BOUND = 2
CALLS = 8  # even: the barrier below pairs the calls two by two


class RecordingHasher(PasswordHasher):
    """argon2 (cheap parameters) that records where and how many hashes run at once."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(time_cost=1, memory_cost=64, parallelism=1)
        self.loop = loop
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.threads: set[str] = set()
        # Two hashes must be in flight together to pass: reached only if the pool runs
        # two at once (and broken, failing the test, if it never does).
        self.pair = threading.Barrier(BOUND, timeout=30)

    def _enter(self) -> None:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
            self.threads.add(threading.current_thread().name)
        # The event loop is free while this hash runs: a callback handed to it now runs
        # before the hash goes on. Were the hash on the loop, this would never happen.
        loop_ran = threading.Event()
        self.loop.call_soon_threadsafe(loop_ran.set)
        assert loop_ran.wait(timeout=30), "the event loop did not run during a hash"
        self.pair.wait()

    def _leave(self) -> None:
        with self.lock:
            self.running -= 1

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self._enter()
        try:
            return super().hash(password, salt=salt)
        finally:
            self._leave()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self._enter()
        try:
            return super().verify(hash, password)
        finally:
            self._leave()


async def test_hashes_run_in_pool_threads_with_the_loop_free_and_never_above_the_bound() -> None:
    recorder = RecordingHasher(asyncio.get_running_loop())
    hashing = PasswordHashing(BOUND, hasher=recorder)
    hashes = await asyncio.gather(*(hashing.hash(f"password number {n}") for n in range(CALLS)))
    checks = await asyncio.gather(
        *(hashing.verify(hashed, f"password number {n}") for n, hashed in enumerate(hashes)),
        *(hashing.verify(hashed, "not the password") for hashed in hashes),
    )
    assert checks == [True] * CALLS + [False] * CALLS
    assert recorder.peak == BOUND
    assert recorder.running == 0
    assert recorder.threads
    assert all(name.startswith(THREAD_NAME_PREFIX) for name in recorder.threads)
    assert threading.main_thread().name not in recorder.threads


async def test_a_missing_hash_is_verified_against_a_dummy_and_says_no() -> None:
    recorder = RecordingHasher(asyncio.get_running_loop())
    recorder.pair = threading.Barrier(1)
    hashing = PasswordHashing(1, hasher=recorder)
    assert await hashing.verify(None, "mixtape-dummy-password") is False
    # The dummy hash was really verified (same work as for an account), in the pool.
    assert recorder.peak == 1


def test_the_bound_is_the_setting_or_every_core_but_one() -> None:
    database_url = "sqlite+aiosqlite:///:memory:"
    assert password_hashing(Settings(database_url=database_url)).max_concurrency == (
        default_concurrency()
    )
    configured = Settings(database_url=database_url, auth_password_hash_concurrency=3)
    assert password_hashing(configured).max_concurrency == 3
    # One pool per size and process, shared by every caller.
    assert password_hashing(configured) is password_hashing(configured)
