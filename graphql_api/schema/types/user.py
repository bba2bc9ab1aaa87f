"""The User type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.schema.context import Context
from graphql_api.schema.info import Info
from graphql_api.schema.node import parse_int_id


@strawberry.type(name="User")
class User(relay.Node):
    """A Mixtape user."""

    id: relay.NodeID[int]
    display_name: str
    created_at: dt.datetime
    row: strawberry.Private[models.User]

    @classmethod
    def from_row(cls, row: models.User) -> Self:
        return cls(id=row.id, display_name=row.display_name, created_at=row.created_at, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info,
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Self | None]:
        context: Context = info.context
        ids = [parse_int_id(node_id) for node_id in node_ids]
        rows = await context.loaders.user.load_many([i for i in ids if i is not None])
        found = {row.id: row for row in rows if row is not None and _visible(context, row)}
        return [cls.from_row(found[i]) if i in found else None for i in ids]


def _visible(context: Context, row: models.User) -> bool:
    # Until users can share with one another, a user sees only themselves.
    return context.viewer_id == row.id
