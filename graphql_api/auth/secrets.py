"""Random secrets handed to clients, and the hashes the database keeps of them."""

from __future__ import annotations

import hashlib
import secrets


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random string with ``nbytes`` bytes of entropy."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """The SHA-256 hex digest stored in place of ``token``.

    The tokens are long and random, so a fast hash is enough: there is nothing to guess.
    """
    return hashlib.sha256(token.encode()).hexdigest()
