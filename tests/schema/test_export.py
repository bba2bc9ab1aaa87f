"""The checked-in SDL is the schema the code builds (run `make schema` after a change)."""

from __future__ import annotations

from pathlib import Path

from strawberry.printer import print_schema

from graphql_api.schema import schema

SDL = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_schema_graphql_is_current() -> None:
    assert SDL.read_text().strip() == print_schema(schema).strip(), (
        "schema.graphql is stale: run `make schema`"
    )
