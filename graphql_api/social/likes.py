"""Liking and unliking songs, albums, artists and playlists.

Both are idempotent, and the target's ``like_count`` changes in the same transaction,
by an atomic ``UPDATE ... SET like_count = like_count + 1`` run only when the like row
was really inserted (or deleted): two concurrent likes of the same thing by the same
user count once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from graphql_api.db.models import Like, LikeTarget
from graphql_api.social import targets
from graphql_api.social.store import insert_new

LikeKey = tuple[int, LikeTarget, int]
"""(user id, target type, target id)."""


async def _count(session: AsyncSession, target: LikeTarget, row: Any, step: int) -> None:
    """Add ``step`` to the target's ``like_count`` in SQL, and show it on ``row``."""
    model = targets.MODELS[target]
    condition = [model.id == row.id] + ([model.like_count > 0] if step < 0 else [])
    count = await session.scalar(
        update(model)
        .where(*condition)
        .values(like_count=model.like_count + step)
        .returning(model.like_count)
    )
    if count is not None:
        set_committed_value(row, "like_count", count)


async def like(session: AsyncSession, user_id: int, target: LikeTarget, target_id: int) -> Any:
    """``user_id`` likes ``target_id`` (idempotent); returns the target's row.

    NOT_FOUND when there is no such target or the user may not see it.
    """
    row = await targets.visible_row(session, user_id, target, target_id)
    if await insert_new(session, Like, user_id=user_id, target_type=target, target_id=target_id):
        await _count(session, target, row, +1)
    return row


async def unlike(session: AsyncSession, user_id: int, target: LikeTarget, target_id: int) -> Any:
    """``user_id`` no longer likes ``target_id`` (idempotent); returns the target's row."""
    row = await targets.visible_row(session, user_id, target, target_id)
    removed = await session.scalar(
        delete(Like)
        .where(Like.user_id == user_id, Like.target_type == target, Like.target_id == target_id)
        .returning(Like.target_id)
    )
    if removed is not None:
        await _count(session, target, row, -1)
    return row


async def liked(session: AsyncSession, keys: Sequence[LikeKey]) -> list[bool]:
    """Whether each (user, target type, target id) like exists, in one statement."""
    if not keys:
        return []
    rows = await session.execute(
        select(Like.user_id, Like.target_type, Like.target_id).where(
            tuple_(Like.user_id, Like.target_type, Like.target_id).in_(list(set(keys)))
        )
    )
    found = {(int(user), LikeTarget(kind), int(target)) for user, kind, target in rows}
    return [key in found for key in keys]
