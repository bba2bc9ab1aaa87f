"""Numbers and global ids from clients, checked before they reach a query."""

from __future__ import annotations

import pytest
from strawberry.relay import GlobalID

from graphql_api.errors import BadUserInput
from graphql_api.kit.ids import MAX_DB_INT, decode_global_id, parse_db_int


def test_parse_db_int_takes_only_ascii_digits_that_fit_a_bigint() -> None:
    assert parse_db_int("0") == 0
    assert parse_db_int(str(MAX_DB_INT)) == MAX_DB_INT
    for text in (str(MAX_DB_INT + 1), "9" * 5000, "-1", "\u00b2", "", " 1", "1e3"):
        assert parse_db_int(text) is None, text


def test_decode_global_id_wants_the_named_type_and_a_db_int() -> None:
    assert decode_global_id(GlobalID("User", "12"), "User") == 12
    for value in (GlobalID("LibrarySnapshot", "12"), GlobalID("User", "9" * 30)):
        with pytest.raises(BadUserInput):
            decode_global_id(value, "User")
