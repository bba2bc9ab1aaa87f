"""The job queue: in-process and arq on Redis with a real worker; enqueue after commit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from arq.connections import create_pool
from arq.worker import Retry, Worker

from graphql_api.db.models import User
from graphql_api.db.uow import unit_of_work
from graphql_api.jobs import InProcessQueue
from graphql_api.jobs.arq import ArqQueue, queue_name
from graphql_api.resources import Resources, redis_settings


async def record(ctx: dict[str, Any], value: str) -> None:
    ctx["seen"].append((value, ctx["job_try"]))


async def flaky(ctx: dict[str, Any], value: str) -> None:
    if ctx["job_try"] < 3:
        raise Retry(defer=0.01)
    ctx["seen"].append((value, ctx["job_try"]))


async def slow(ctx: dict[str, Any], value: str) -> None:
    await asyncio.sleep(0.2)
    ctx["seen"].append((value, ctx["job_try"]))


FUNCTIONS = {f.__name__: f for f in (record, flaky, slow)}


async def test_in_process_runs_jobs_with_retries() -> None:
    seen: list[tuple[str, int]] = []
    queue = InProcessQueue(FUNCTIONS, {"seen": seen})
    assert await queue.enqueue("record", "a")
    assert await queue.enqueue("flaky", "b")
    await queue.join()
    assert sorted(seen) == [("a", 1), ("b", 3)]
    await queue.close()


async def test_in_process_job_ids_are_unique_while_queued() -> None:
    seen: list[tuple[str, int]] = []
    queue = InProcessQueue(FUNCTIONS, {"seen": seen})
    assert await queue.enqueue("slow", "first", job_id="user:1")
    assert not await queue.enqueue("slow", "second", job_id="user:1")
    await queue.join()
    assert seen == [("first", 1)]
    # Once finished, the id is free again.
    assert await queue.enqueue("record", "third", job_id="user:1")
    await queue.join()
    await queue.close()


async def test_unknown_job_is_refused() -> None:
    queue = InProcessQueue(FUNCTIONS, {})
    with pytest.raises(LookupError):
        await queue.enqueue("nope")


@pytest.mark.redis
async def test_arq_worker_runs_jobs_and_respects_job_ids(redis_url: str, redis_prefix: str) -> None:
    seen: list[tuple[str, int]] = []
    pool = await create_pool(redis_settings(redis_url))
    queue = ArqQueue(pool, queue_name(redis_prefix))
    assert await queue.enqueue("record", "a", job_id=f"{redis_prefix}:a")
    assert not await queue.enqueue("record", "again", job_id=f"{redis_prefix}:a")
    assert await queue.enqueue("flaky", "b")
    worker = Worker(
        functions=list(FUNCTIONS.values()),
        redis_pool=pool,
        queue_name=queue_name(redis_prefix),
        burst=True,
        poll_delay=0.01,
        ctx={"seen": seen},
        handle_signals=False,
    )
    await worker.main()
    await worker.close()
    assert sorted(seen) == [("a", 1), ("b", 3)]
    await pool.aclose()


async def test_jobs_are_enqueued_only_after_commit(resources: Resources) -> None:
    seen: list[tuple[str, int]] = []
    queue = InProcessQueue(FUNCTIONS, {"seen": seen})

    async def enqueue_dropped() -> None:
        await queue.enqueue("record", "dropped")

    async def enqueue_kept() -> None:
        await queue.enqueue("record", "kept")

    async def failing_unit_of_work() -> None:
        async with unit_of_work(resources.sessionmaker) as uow:
            uow.session.add(User(display_name="rolled back"))
            uow.after_commit(enqueue_dropped)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await failing_unit_of_work()

    async with unit_of_work(resources.sessionmaker) as uow:
        uow.session.add(User(display_name="committed"))
        uow.after_commit(enqueue_kept)
        await uow.session.flush()
        assert seen == []  # not before the commit
    await queue.join()
    assert seen == [("kept", 1)]
    await queue.close()
