"""Password hashing (argon2id through argon2-cffi) and the password policy.

A hash takes about 130 ms of CPU by design. It never runs on the event loop (which would
stop every other request meanwhile): :class:`PasswordHashing` runs it in a thread pool
of its own, whose size bounds how many hashes run at once in this process, so a login
flood queues up there instead of starving the process. argon2-cffi releases the GIL
while it hashes, so the loop keeps serving. Callers hash outside any transaction, so
that no database connection or lock waits on the queue.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graphql_api.errors import BadUserInput
from graphql_api.settings import Settings

T = TypeVar("T")

MIN_LENGTH = 10
# argon2 hashes anything, but a megabyte password is a denial of service, not a secret.
MAX_LENGTH = 256
# The passwords every list of leaked passwords starts with; length rules alone let them in.
_COMMON = frozenset(
    {
        "password12",
        "password123",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "iloveyou123",
        "letmein1234",
        "0987654321",
        "1q2w3e4r5t",
        "qwerty1234",
        "mixtape123",
    }
)

# The library's defaults follow RFC 9106's recommended profile.
_DEFAULT_HASHER = PasswordHasher()
# A hash to verify against when the account does not exist, so that both paths take
# about as long and a timing difference does not reveal which emails are registered.
_DUMMY_HASH = _DEFAULT_HASHER.hash("mixtape-dummy-password")
THREAD_NAME_PREFIX = "mixtape-password"


def check_policy(password: str, *, email: str | None = None) -> None:
    """BAD_USER_INPUT naming the first rule ``password`` breaks."""
    if len(password) < MIN_LENGTH:
        raise BadUserInput(
            f"The password must be at least {MIN_LENGTH} characters long.", field="password"
        )
    if len(password) > MAX_LENGTH:
        raise BadUserInput(
            f"The password must be at most {MAX_LENGTH} characters long.", field="password"
        )
    if password.lower() in _COMMON or len(set(password)) < 4:
        raise BadUserInput("The password is too easy to guess.", field="password")
    if email and password.lower() == email.lower():
        raise BadUserInput("The password must not be the email address.", field="password")


def default_concurrency() -> int:
    """Hashes at once when the setting is unset: every core but one (the event loop's)."""
    return max(1, (os.cpu_count() or 1) - 1)


class PasswordHashing:
    """argon2 off the event loop, at most ``max_concurrency`` hashes at once."""

    def __init__(self, max_concurrency: int, hasher: PasswordHasher | None = None) -> None:
        self.max_concurrency = max_concurrency
        self._hasher = hasher or _DEFAULT_HASHER
        # The pool's size is the bound: further hashes wait in its queue, not on a core.
        self._pool = ThreadPoolExecutor(
            max_workers=max_concurrency, thread_name_prefix=THREAD_NAME_PREFIX
        )

    async def _run(self, work: Callable[..., T], *args: str | None) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, work, *args)

    async def hash(self, password: str) -> str:
        """An argon2id hash of ``password`` (with its own salt and parameters)."""
        return await self._run(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; a missing hash spends the same effort and says no."""
        return await self._run(self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            matches = self._hasher.verify(password_hash or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False
        return matches and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with older parameters and should be redone on login
        (reads the hash's parameters: no hashing, fine on the loop)."""
        return self._hasher.check_needs_rehash(password_hash)


def password_hashing(settings: Settings) -> PasswordHashing:
    """The process's hashing pool, sized by ``MIXTAPE_AUTH_PASSWORD_HASH_CONCURRENCY``."""
    return _pool_of_size(settings.auth_password_hash_concurrency or default_concurrency())


@lru_cache(maxsize=4)
def _pool_of_size(max_concurrency: int) -> PasswordHashing:
    # One pool per process (threads are shared by every event loop, unlike a semaphore).
    return PasswordHashing(max_concurrency)
