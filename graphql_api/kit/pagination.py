"""Cursor connections, one way for every list: the `first` rule, cursors, pages, SQL paging.

Every connection takes ``first`` (0 to :data:`MAX_FIRST`, :data:`DEFAULT_FIRST` when
omitted) and ``after`` (the cursor of the last edge seen). A cursor is opaque to
clients: URL-safe base64 of ``kind:part|part``. The kind says which list made it, so a
cursor of one list is refused by another instead of being misread. Lists in a fixed
order over immutable rows (a snapshot, a diff) page by offset (kind ``o``); lists that
grow while being read (listening history) page by key.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import PageInfo

from graphql_api.errors import BadUserInput
from graphql_api.kit.ids import MAX_DB_INT, parse_db_int

MAX_FIRST = 200
DEFAULT_FIRST = 50
OFFSET = "o"

T = TypeVar("T")
U = TypeVar("U")
C = TypeVar("C")
E = TypeVar("E")


def check_first(first: int | None) -> int:
    """How many edges to return for ``first``; BAD_USER_INPUT outside 0..MAX_FIRST."""
    if first is None:
        return DEFAULT_FIRST
    if not 0 <= first <= MAX_FIRST:
        raise BadUserInput(f"`first` must be between 0 and {MAX_FIRST}.", argument="first")
    return first


def encode_cursor(kind: str, *parts: object) -> str:
    """An opaque cursor of ``kind`` holding ``parts`` (none may contain ``|``)."""
    text = "|".join(str(part) for part in parts)
    return base64.urlsafe_b64encode(f"{kind}:{text}".encode()).decode()


def _invalid() -> BadUserInput:
    return BadUserInput("Invalid cursor.", argument="after")


def decode_cursor(cursor: str, kind: str, parts: int) -> list[str]:
    """The ``parts`` strings of a cursor of ``kind``; BAD_USER_INPUT for anything else."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise _invalid() from error
    found, colon, rest = text.partition(":")
    values = rest.split("|")
    if found != kind or not colon or len(values) != parts:
        raise _invalid()
    return values


def cursor_int(text: str) -> int:
    """A number inside a cursor, as a database column can hold it; else BAD_USER_INPUT."""
    value = parse_db_int(text)
    if value is None:
        raise _invalid()
    return value


def offset_cursor(offset: int) -> str:
    """The cursor of the edge at ``offset`` in an offset-paged list."""
    return encode_cursor(OFFSET, offset)


@dataclass(frozen=True)
class Window:
    """Which slice of an offset-paged list a request asks for."""

    offset: int = 0
    limit: int = DEFAULT_FIRST

    @classmethod
    def of(cls, first: int | None, after: str | None) -> Window:
        """The window after the cursor ``after`` (the start without one), ``first`` long."""
        limit = check_first(first)
        if after is None:
            return cls(0, limit)
        (value,) = decode_cursor(after, OFFSET, 1)
        offset = cursor_int(value)
        if offset >= MAX_DB_INT:
            raise _invalid()
        return cls(offset + 1, limit)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its nodes with their cursors, and what is around them."""

    edges: Sequence[tuple[str, T]]
    total: int
    has_next: bool
    has_previous: bool = False

    @classmethod
    def at(cls, window: Window, nodes: Sequence[T], total: int) -> Page[T]:
        """The page of an offset-paged list holding ``nodes`` from ``window.offset``."""
        return cls(
            edges=[(offset_cursor(window.offset + n), node) for n, node in enumerate(nodes)],
            total=total,
            has_next=window.offset + len(nodes) < total,
            has_previous=window.offset > 0,
        )

    @property
    def nodes(self) -> list[T]:
        return [node for _, node in self.edges]

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page with every node converted."""
        return Page(
            edges=[(cursor, convert(node)) for cursor, node in self.edges],
            total=self.total,
            has_next=self.has_next,
            has_previous=self.has_previous,
        )


def page_info(page: Page[Any]) -> PageInfo:
    """Relay's PageInfo of ``page``."""
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=page.edges[0][0] if page.edges else None,
        end_cursor=page.edges[-1][0] if page.edges else None,
    )


def connection(
    connection_type: Callable[..., C],
    page: Page[T],
    edge: Callable[[str, T], E],
    **extra: Any,
) -> C:
    """A connection object (``edges``, ``page_info``, ``total_count``, ``extra``) of ``page``.

    ``edge`` makes one edge from a cursor and a node.
    """
    return connection_type(
        edges=[edge(cursor, node) for cursor, node in page.edges],
        page_info=page_info(page),
        total_count=page.total,
        **extra,
    )


@dataclass(frozen=True)
class Rows:
    """What :func:`paginate` read: the window's rows, the count of all, and one sum."""

    rows: list[Any]
    total: int
    summed: int = 0

    def scalars(self) -> Rows:
        """The same, each row replaced by its first column (the entity of ``select(Model)``)."""
        return Rows([row[0] for row in self.rows], self.total, self.summed)


async def paginate(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    window: Window,
    *,
    sum_of: str | None = None,
) -> Rows:
    """The rows of an ordered ``statement`` in ``window``, and how many it has in all.

    Two statements whatever the window: the count (plus the sum of the column labelled
    ``sum_of``, if given) and the page itself. ``statement`` must order by something
    unique, or pages may overlap.
    """
    whole = statement.order_by(None).subquery()
    totals: list[Any] = [func.count()]
    if sum_of is not None:
        totals.append(func.coalesce(func.sum(whole.c[sum_of]), 0))
    counted = (await session.execute(select(*totals).select_from(whole))).one()
    if window.limit == 0:
        rows: list[Any] = []
    else:
        rows = list(
            (await session.execute(statement.offset(window.offset).limit(window.limit))).all()
        )
    return Rows(rows, int(counted[0]), int(counted[1]) if sum_of is not None else 0)
