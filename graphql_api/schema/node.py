"""Relay global ids: helpers shared by every Node type."""

from __future__ import annotations

from graphql_api.kit.ids import parse_db_int


def parse_int_id(node_id: str) -> int | None:
    """The database id inside a node id, or None when it is not one of ours."""
    return parse_db_int(node_id)
