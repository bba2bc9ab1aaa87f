"""Requesting snapshots: one active snapshot per user, even under concurrent requests."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from graphql_api.db.models import LibrarySnapshot, User
from graphql_api.db.uow import unit_of_work
from graphql_api.resources import Resources
from tests.library.test_runner import new_snapshot


async def test_concurrent_requests_share_one_snapshot(resources: Resources) -> None:
    async with unit_of_work(resources.sessionmaker) as uow:
        user = User(display_name="racer")
        uow.session.add(user)
    ids = await asyncio.gather(*(new_snapshot(resources, user.id) for _ in range(5)))
    assert len(set(ids)) == 1
    async with resources.sessionmaker() as session:
        rows = await session.scalar(
            select(func.count())
            .select_from(LibrarySnapshot)
            .where(LibrarySnapshot.user_id == user.id)
        )
    assert rows == 1
