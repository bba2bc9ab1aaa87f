"""The pagination kit: one rule for `first`, cursors that name their list, offset pages."""

from __future__ import annotations

import base64

import pytest

from graphql_api.errors import BadUserInput
from graphql_api.kit.ids import MAX_DB_INT
from graphql_api.kit.pagination import (
    DEFAULT_FIRST,
    MAX_FIRST,
    Page,
    Window,
    check_first,
    decode_cursor,
    encode_cursor,
    offset_cursor,
    page_info,
)


def test_first_defaults_and_accepts_zero_to_the_maximum() -> None:
    assert check_first(None) == DEFAULT_FIRST
    assert [check_first(n) for n in (0, 1, MAX_FIRST)] == [0, 1, MAX_FIRST]


@pytest.mark.parametrize("first", [-1, MAX_FIRST + 1, 2**70])
def test_first_outside_the_bounds_is_bad_user_input(first: int) -> None:
    with pytest.raises(BadUserInput) as raised:
        check_first(first)
    assert raised.value.extensions == {"argument": "first"}


def test_a_cursor_decodes_to_the_parts_it_was_made_of() -> None:
    cursor = encode_cursor("p", "2026-01-01T00:00:00+00:00", 42)
    assert decode_cursor(cursor, "p", 2) == ["2026-01-01T00:00:00+00:00", "42"]


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor("u", 7),  # another list's cursor
        encode_cursor("p", 7),  # one part where two are expected
        base64.urlsafe_b64encode(b"p7|8").decode(),  # no kind at all
        "not base64 @@",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),  # not UTF-8
    ],
)
def test_a_cursor_of_another_shape_is_bad_user_input(cursor: str) -> None:
    with pytest.raises(BadUserInput) as raised:
        decode_cursor(cursor, "p", 2)
    assert raised.value.extensions == {"argument": "after"}


def test_window_continues_after_the_offset_of_its_cursor() -> None:
    assert Window.of(None, None) == Window(0, DEFAULT_FIRST)
    assert Window.of(10, offset_cursor(4)) == Window(5, 10)


@pytest.mark.parametrize(
    "after",
    [
        offset_cursor(MAX_DB_INT),  # the next offset would not fit a BIGINT
        encode_cursor("o", "9" * 30),
        encode_cursor("o", "9" * 5000),  # past CPython's int() digit limit
        encode_cursor("o", "-3"),
        encode_cursor("o", "\u00b2"),
        encode_cursor("u", 3),
    ],
)
def test_window_refuses_a_cursor_it_did_not_make(after: str) -> None:
    with pytest.raises(BadUserInput):
        Window.of(5, after)


def test_offset_pages_walk_a_list_once_with_relay_page_info() -> None:
    items = list(range(7))
    seen, after, pages = [], None, 0
    while True:
        window = Window.of(3, after)
        page = Page.at(window, items[window.offset : window.offset + window.limit], len(items))
        info = page_info(page)
        assert info.has_previous_page is (pages > 0)
        seen += page.nodes
        pages += 1
        if not info.has_next_page:
            break
        after = info.end_cursor
    assert (seen, pages) == (items, 3)


def test_an_empty_page_has_no_cursors() -> None:
    info = page_info(Page.at(Window(0, 0), [], 12))
    assert (info.start_cursor, info.end_cursor, info.has_next_page) == (None, None, True)
