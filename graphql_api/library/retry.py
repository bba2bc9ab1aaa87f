"""Retry a transaction that PostgreSQL aborted to break a deadlock.

Other domains (the now-playing poller) upsert the same catalog rows at the same time;
PostgreSQL then aborts one of the transactions (SQLSTATE 40P01, or 40001 for a
serialization failure). The writes here are idempotent, so the aborted one is simply
run again.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.uow import UnitOfWork, unit_of_work

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRYABLE = {"40P01", "40001"}
ATTEMPTS = 4


def _retryable(error: DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code in RETRYABLE or "deadlock detected" in str(error.orig)


async def in_transaction(
    sessionmaker: async_sessionmaker[AsyncSession], work: Callable[[UnitOfWork], Awaitable[T]]
) -> T:
    """Run ``work`` in a unit of work, again (up to 4 times) when aborted by a deadlock."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with unit_of_work(sessionmaker) as uow:
                return await work(uow)
        except DBAPIError as error:
            if attempt == ATTEMPTS or not _retryable(error):
                raise
            log.info("transaction aborted (%s); retrying", error.orig)
            await asyncio.sleep(random.uniform(0.01, 0.05 * attempt))
    raise AssertionError("unreachable")
