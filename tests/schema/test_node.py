"""Numbers from clients (ids, cursor offsets) as a BIGINT column can hold them, or None."""

from __future__ import annotations

import pytest

from graphql_api.schema.node import MAX_DB_INT, parse_db_int


@pytest.mark.parametrize(
    "text",
    [
        "9" * 5000,  # int() itself raises past 4,300 digits (CPython's limit)
        "9" * 20,
        str(MAX_DB_INT + 1),
        "0" * 20 + "1",
        "-1",
        "+1",
        " 1",
        "\u00b2",
        "\uff11",  # a fullwidth 1
        "",
    ],
)
def test_not_a_column_number(text: str) -> None:
    assert parse_db_int(text) is None


@pytest.mark.parametrize("text", ["0", "7", str(MAX_DB_INT)])
def test_a_column_number(text: str) -> None:
    assert parse_db_int(text) == int(text)
