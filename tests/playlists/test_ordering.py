"""Fractional keys: between their neighbours, increasing, short for a whole list."""

from __future__ import annotations

from graphql_api.playlists import ordering


def test_keys_between_two_keys_sort_between_them_in_order() -> None:
    keys = ordering.keys_between("a0", "a1", 5)
    assert keys == sorted(keys)
    assert all("a0" < key < "a1" for key in keys)
    assert len(set(keys)) == 5


def test_keys_at_either_end_sort_before_or_after_every_key() -> None:
    assert ordering.keys_between(None, "a0", 3)[-1] < "a0"
    assert ordering.keys_between("a0", None, 3)[0] > "a0"


def test_ten_thousand_evenly_spaced_keys_are_distinct_increasing_and_at_most_4_long() -> None:
    keys = ordering.evenly(10_000)
    assert keys == sorted(keys)
    assert len(set(keys)) == 10_000
    assert max(len(key) for key in keys) <= 4


def test_a_key_longer_than_the_limit_calls_for_renumbering() -> None:
    assert ordering.too_long(["a" * (ordering.MAX_KEY_LENGTH + 1)])
    assert not ordering.too_long(["a0", "a1"])
