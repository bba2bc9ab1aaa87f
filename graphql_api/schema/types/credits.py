"""Credits: who did what on a song, seen from the song (Song.credits) or the artist
(Artist.credits). An edge holds both ends, its role and its position in that role."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.relay import PageInfo

from graphql_api.catalog.relations import Linked, Slice
from graphql_api.db.models import CreditRole
from graphql_api.kit.pagination import Page, Window, connection
from graphql_api.schema.types.catalog_sources import CreditRoleEnum

if TYPE_CHECKING:
    from graphql_api.schema.types.artists import Artist
    from graphql_api.schema.types.songs import Song


@strawberry.type
class CreditEdge:
    cursor: str
    role: CreditRoleEnum  # type: ignore[valid-type]
    position: int = strawberry.field(
        description="Its order among the song's credits in this role, from 0."
    )
    song: Annotated[Song, strawberry.lazy("graphql_api.schema.types.songs")]
    artist: Annotated[Artist, strawberry.lazy("graphql_api.schema.types.artists")]


@strawberry.type
class CreditConnection:
    edges: list[CreditEdge]
    page_info: PageInfo
    total_count: int


def credit_connection(
    window: Window,
    found: Slice,
    *,
    song: Callable[[Linked], Any],
    artist: Callable[[Linked], Any],
) -> CreditConnection:
    """The connection of a window of credits (song or artist on the far end)."""
    return connection(
        CreditConnection,
        Page.at(window, found.items, found.total),
        lambda cursor, item: CreditEdge(
            cursor=cursor,
            role=CreditRole(item.extras["role"]),
            position=int(item.extras["position"]),
            song=song(item),
            artist=artist(item),
        ),
    )
