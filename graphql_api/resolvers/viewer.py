"""The viewer: who is asking."""

from __future__ import annotations

from graphql_api.schema.info import Info
from graphql_api.schema.types.user import User


async def resolve_viewer(info: Info) -> User | None:
    """The logged-in user, or null for an anonymous request."""
    viewer_id = info.context.viewer_id
    if viewer_id is None:
        return None
    row = await info.context.loaders.user.load(viewer_id)
    return User.from_row(row) if row is not None else None
