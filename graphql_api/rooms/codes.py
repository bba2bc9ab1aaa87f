"""Room codes: short, read aloud and typed on a phone, hard to guess.

The alphabet leaves out what people confuse (0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V): 23
symbols, 6 of them: 148 million codes, drawn with ``secrets``, and joins are rate-limited
per address.
"""

from __future__ import annotations

import secrets

from graphql_api.errors import BadUserInput

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
LENGTH = 6


def new_code() -> str:
    """A random code (the database's unique index keeps it unique among open rooms)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(code: str) -> str:
    """A code as typed (any case, spaces or dashes) in its stored form; BAD_USER_INPUT when
    it cannot be a room code at all."""
    cleaned = code.strip().upper().replace("-", "").replace(" ", "")
    if len(cleaned) != LENGTH or any(c not in ALPHABET for c in cleaned):
        raise BadUserInput("That is not a room code.", argument="code", reason="BAD_ROOM_CODE")
    return cleaned
