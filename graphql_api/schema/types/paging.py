"""Offset cursors and the arguments every library list takes."""

from __future__ import annotations

import base64
import datetime as dt
import enum

import strawberry
from strawberry.relay import PageInfo

from graphql_api.errors import BadUserInput
from graphql_api.library.browse import ListQuery, SortKey
from graphql_api.schema.node import MAX_DB_INT, parse_db_int

MAX_PAGE = 200
DEFAULT_PAGE = 50


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    """The offset after ``cursor`` (0 without one); BAD_USER_INPUT when malformed."""
    if cursor is None:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        kind, value = "", ""
    offset = parse_db_int(value) if kind == "o" else None
    if offset is not None and offset < MAX_DB_INT:
        return offset + 1
    raise BadUserInput("Invalid cursor.", argument="after")


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 <= first <= MAX_PAGE:
        raise BadUserInput(f"`first` must be between 0 and {MAX_PAGE}.", argument="first")
    return first


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
        offset=decode_cursor(after),
        limit=page_size(first),
        text=text or None,
        added_after=filter.added_after if filter else None,
        added_before=filter.added_before if filter else None,
        sort=SortKey(sort.key) if sort else SortKey.ADDED_AT,
        descending=(sort.direction is SortDirection.DESC) if sort else True,
    )


def page_info(offset: int, count: int, total: int) -> PageInfo:
    """Relay's PageInfo for ``count`` rows from ``offset`` out of ``total``."""
    return PageInfo(
        has_next_page=offset + count < total,
        has_previous_page=offset > 0,
        start_cursor=encode_cursor(offset) if count else None,
        end_cursor=encode_cursor(offset + count - 1) if count else None,
    )
