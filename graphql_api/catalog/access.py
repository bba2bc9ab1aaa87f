"""Finding catalog rows for the viewer: visible ones, and own ones to change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.catalog.visibility import visible
from graphql_api.errors import Forbidden, NotFound

M = TypeVar("M")


async def visible_row(session: AsyncSession, model: type[M], row_id: int, viewer: int | None) -> M:
    """The ``model`` row ``row_id`` if the viewer may see it; NOT_FOUND otherwise (another
    user's private entry is not told apart from a missing one)."""
    column: Any = getattr(model, "id")  # noqa: B009 - generic over the catalog models
    row = await session.scalar(select(model).where(column == row_id, visible(model, viewer)))
    if row is None:
        raise NotFound(f"No {model.__name__.lower()} with this id.", id=row_id)
    return row


async def own_row(session: AsyncSession, model: type[M], row_id: int, viewer: int) -> M:
    """The viewer's own ``model`` row ``row_id``, to change: NOT_FOUND when the viewer may
    not see it, FORBIDDEN when it is a Spotify mirror or someone else's public entry."""
    row = await visible_row(session, model, row_id, viewer)
    owner = getattr(row, "owner_id")  # noqa: B009
    if owner is None:
        raise Forbidden(f"This {model.__name__.lower()} mirrors Spotify and is read-only.")
    if owner != viewer:
        raise Forbidden(f"Only its owner may change this {model.__name__.lower()}.")
    return row


async def check_visible(
    session: AsyncSession, model: Any, ids: Sequence[int], viewer: int | None, argument: str
) -> None:
    """NOT_FOUND unless the viewer may see every ``model`` row in ``ids``."""
    wanted = set(ids)
    if not wanted:
        return
    found = set(
        await session.scalars(select(model.id).where(model.id.in_(wanted), visible(model, viewer)))
    )
    missing = sorted(wanted - found)
    if missing:
        raise NotFound(
            f"No {model.__name__.lower()} with id {missing[0]}.", argument=argument, ids=missing
        )
