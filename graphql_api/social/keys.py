"""Keyset cursors of the social lists: a time or a name, then ids."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from graphql_api.errors import BadUserInput


def _invalid() -> BadUserInput:
    return BadUserInput("Invalid cursor.", argument="after")


def parse_time(text: str) -> dt.datetime:
    """An aware UTC time from a cursor; BAD_USER_INPUT for anything else."""
    try:
        at = dt.datetime.fromisoformat(text)
        # A crafted cursor may hold a time without a timezone, or one outside the
        # calendar in UTC: no column compares to either.
        if at.utcoffset() is None:
            raise ValueError(text)
        return at.astimezone(dt.UTC)
    except (ValueError, OverflowError) as error:
        raise _invalid() from error


def pack_text(text: str) -> str:
    """``text`` as a cursor part (cursor parts may not hold ``|``)."""
    return base64.urlsafe_b64encode(text.encode()).decode()


def unpack_text(part: str) -> str:
    """The text :func:`pack_text` packed; BAD_USER_INPUT for anything else."""
    try:
        return base64.urlsafe_b64decode(part.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise _invalid() from error
