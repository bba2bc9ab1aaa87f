"""Fractional position keys: an entry's place is a string between its neighbours' keys.

Keys compare byte-wise (``fractional-indexing``'s base-62 alphabet; the column has
collation "C" on PostgreSQL). Putting entries between two others makes keys for those
entries only, so a move or an insert writes the rows it moves or inserts and no other.
Keys grow when entries are put again and again into the same gap; past
:data:`MAX_KEY_LENGTH` the playlist is renumbered once (every key rewritten, evenly).
"""

from __future__ import annotations

from fractional_indexing import generate_n_keys_between  # type: ignore[import-untyped]

# The column holds 128 characters; renumbering starts well before that.
MAX_KEY_LENGTH = 96


def keys_between(before: str | None, after: str | None, count: int) -> list[str]:
    """``count`` increasing keys, all after ``before`` and before ``after`` (None: an end)."""
    if count == 0:
        return []
    keys: list[str] = generate_n_keys_between(before, after, count)
    return keys


def evenly(count: int) -> list[str]:
    """``count`` increasing keys for a whole list, as short as keys can be."""
    return keys_between(None, None, count)


def too_long(keys: list[str]) -> bool:
    """Whether any of ``keys`` calls for renumbering the playlist."""
    return any(len(key) > MAX_KEY_LENGTH for key in keys)
