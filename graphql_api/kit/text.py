"""Text that comes from clients: checked before it reaches a query or a column.

Every string a client sends must be storable and bounded: PostgreSQL refuses a NUL
character in text, no driver can encode a lone surrogate (``"\\ud800"`` is valid JSON
but not valid Unicode), and an unbounded string is a denial of service (SQLite gives up
on a LIKE pattern of more than 50,000 bytes with "pattern too complex").
"""

from __future__ import annotations

import unicodedata

from graphql_api.errors import BadUserInput


def text_problem(value: str, max_length: int) -> str | None:
    """What is wrong with ``value`` as client text, or None when nothing is."""
    if len(value) > max_length:
        return f"is {len(value):,} characters long; at most {max_length:,} are accepted"
    if "\x00" in value:
        return "contains a NUL character, which cannot be stored"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate, which is not valid Unicode"
    return None


def check_text(value: str, max_length: int, *, name: str, **extensions: object) -> str:
    """``value`` when :func:`text_problem` finds nothing; BAD_USER_INPUT naming ``name``
    otherwise."""
    problem = text_problem(value, max_length)
    if problem is not None:
        raise BadUserInput(f"{name} {problem}.", **extensions)
    return value


def canonical_email(value: str) -> str:
    """The one stored and compared form of an email address: NFC, trimmed, lower-cased.

    NFC makes an address typed with a composed "é" and one with "e" + a combining accent
    the same account; lower-casing the local part is a choice (most providers ignore
    case) that keeps "Ada@…" and "ada@…" from becoming two accounts.
    """
    return unicodedata.normalize("NFC", value).strip().lower()
