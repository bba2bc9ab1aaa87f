"""Relay global ids: helpers shared by every Node type."""

from __future__ import annotations

from strawberry.relay import GlobalID

from graphql_api.errors import BadUserInput

# Ids, offsets and cursor keys fit a signed 64-bit column; a larger number is not ours
# (and would overflow the driver: a 500 instead of a clear error).
MAX_DB_INT = 2**63 - 1
_MAX_DB_INT_DIGITS = len(str(MAX_DB_INT))


def parse_db_int(text: str) -> int | None:
    """``text`` as a non-negative integer a database column can hold, else None.

    ``str.isdigit`` alone accepts ``"²"`` (which ``int`` refuses) and any length; a
    number of more than 4,300 digits makes ``int`` itself raise (CPython's limit), so
    the length is checked first.
    """
    if len(text) > _MAX_DB_INT_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_DB_INT else None


def parse_int_id(node_id: str) -> int | None:
    """The database id inside a node id, or None when it is not one of ours."""
    return parse_db_int(node_id)


def decode_global_id(value: GlobalID, type_name: str) -> int:
    """The database id of a global id that must name a ``type_name``."""
    db_id = parse_int_id(value.node_id)
    if value.type_name != type_name or db_id is None:
        raise BadUserInput(f"Expected the id of a {type_name}.", argument=str(value))
    return db_id
