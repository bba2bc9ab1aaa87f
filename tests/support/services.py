"""Reachability of PostgreSQL and Redis: skip with a reason, or fail under CI=true."""

from __future__ import annotations

import functools
import os
import socket

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "MIXTAPE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("MIXTAPE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


@functools.cache
def postgres_reachable() -> bool:
    return _reachable("127.0.0.1", 5432)


@functools.cache
def redis_reachable() -> bool:
    return _reachable("127.0.0.1", 6379)


def require(service: str, reachable: bool) -> None:
    """Skip when ``service`` is unreachable, except under CI=true, where that is a failure."""
    if reachable:
        return
    reason = f"{service} is not reachable on 127.0.0.1"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true requires it", pytrace=False)
    pytest.skip(reason)
