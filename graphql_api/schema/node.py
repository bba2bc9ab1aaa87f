"""Relay global ids: helpers shared by every Node type."""

from __future__ import annotations

from strawberry.relay import GlobalID

from graphql_api.errors import BadUserInput


def parse_int_id(node_id: str) -> int | None:
    """The database id inside a node id, or None when it is not one of ours."""
    return int(node_id) if node_id.isdigit() else None


def decode_global_id(value: GlobalID, type_name: str) -> int:
    """The database id of a global id that must name a ``type_name``."""
    db_id = parse_int_id(value.node_id)
    if value.type_name != type_name or db_id is None:
        raise BadUserInput(f"Expected the id of a {type_name}.", argument=str(value))
    return db_id
