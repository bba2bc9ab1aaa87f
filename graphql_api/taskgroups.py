"""Concurrent work that stops as a whole: the first failure cancels the siblings; and a
task that lives exactly as long as a block (:func:`in_background`).

``asyncio.gather`` returns on the first error but leaves the other awaitables running:
after a snapshot has failed they would go on fetching and writing. A ``TaskGroup``
cancels them and waits for them, but raises an ``ExceptionGroup``, which the callers'
``except SomeDomainError`` would not catch: :func:`run_all` raises the first error itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def first_error(error: BaseException) -> BaseException:
    """The first leaf of (possibly nested) exception groups; ``error`` itself otherwise."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


async def run_all(*work: Coroutine[Any, Any, T]) -> list[T]:
    """Run ``work`` concurrently; results in order. The first failure cancels the rest,
    waits until they have stopped, then is raised (unwrapped from its group)."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one) for one in work]
    except BaseExceptionGroup as group_error:
        raise first_error(group_error) from None
    return [task.result() for task in tasks]


@contextlib.asynccontextmanager
async def in_background(work: Coroutine[Any, Any, object], name: str) -> AsyncIterator[None]:
    """Run ``work`` as a task for the block's duration; cancel it and wait for it at the end
    (an error it ended with is raised there)."""
    task = asyncio.create_task(work, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
