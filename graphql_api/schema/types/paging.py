"""The paging arguments every connection takes, and the arguments of library lists.

Cursors, the bounds of ``first`` and connection building live in
:mod:`graphql_api.kit.pagination`; this module only spells them as GraphQL arguments.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import strawberry

from graphql_api.kit.pagination import DEFAULT_FIRST, MAX_FIRST, Window
from graphql_api.library.browse import ListQuery, SortKey

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"How many edges to return: 0 to {MAX_FIRST}, {DEFAULT_FIRST} when omitted."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Continue after the edge with this cursor."),
]

LibrarySortKey = strawberry.enum(SortKey, name="LibrarySortKey")


@strawberry.enum
class SortDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="Narrow a library list down.")
class LibraryFilter:
    text: str | None = strawberry.field(
        default=None, description="Matches track, album, artist or genre names."
    )
    added_after: dt.datetime | None = None
    added_before: dt.datetime | None = None


@strawberry.input
class LibrarySort:
    key: LibrarySortKey = SortKey.ADDED_AT  # type: ignore[valid-type]
    direction: SortDirection = SortDirection.DESC


def list_query(
    first: int | None, after: str | None, filter: LibraryFilter | None, sort: LibrarySort | None
) -> ListQuery:
    """The domain's :class:`ListQuery` from GraphQL arguments."""
    text = filter.text.strip() if filter and filter.text else None
    return ListQuery(
        window=Window.of(first, after),
        text=text or None,
        added_after=filter.added_after if filter else None,
        added_before=filter.added_before if filter else None,
        sort=SortKey(sort.key) if sort else SortKey.ADDED_AT,
        descending=(sort.direction is SortDirection.DESC) if sort else True,
    )
