"""The GraphQL schema, ``graphql_api.schema:schema``."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from graphql_api.schema.errors import ErrorPolicy, is_expected
from graphql_api.schema.root import Mutation, Query, Subscription
from graphql_api.settings import get_settings

log = logging.getLogger("graphql_api.schema")


class MixtapeSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors are part of the API, not incidents: log only the rest, whole.
        for error in errors:
            if not is_expected(error):
                log.error("unexpected GraphQL error: %s", error, exc_info=error.original_error)


def build_schema(**overrides: Any) -> MixtapeSchema:
    """Build the schema; limits come from settings unless overridden."""
    settings = get_settings()
    max_depth = overrides.get("max_depth", settings.graphql_max_depth)
    max_aliases = overrides.get("max_aliases", settings.graphql_max_aliases)
    return MixtapeSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Factories, not instances: extensions keep per-operation state, so each
        # operation gets its own (the parser and validation caches are shared anyway).
        extensions=[
            ErrorPolicy,
            partial(ParserCache, maxsize=1024),
            partial(ValidationCache, maxsize=1024),
            partial(QueryDepthLimiter, max_depth=max_depth),
            partial(MaxAliasesLimiter, max_alias_count=max_aliases),
        ],
    )


schema = build_schema()
