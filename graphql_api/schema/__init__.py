"""The GraphQL schema, ``graphql_api.schema:schema``."""

from __future__ import annotations

import logging
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from graphql_api.schema.errors import ErrorPolicy, code_of
from graphql_api.schema.gate import OperationGate
from graphql_api.schema.limits import OperationLimits
from graphql_api.schema.root import Mutation, Query, Subscription

log = logging.getLogger("graphql_api.schema")


class MixtapeSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Expected errors are part of the API, not incidents: log only the rest, whole.
        # Errors raised before execution (parsing) never reach the ErrorPolicy
        # extension, so their code is set here too.
        for error in errors:
            code = code_of(error)
            if code is None:
                log.error("unexpected GraphQL error: %s", error, exc_info=error.original_error)
            elif not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), "code": code}


def build_schema(
    query: type = Query,
    mutation: type | None = Mutation,
    subscription: type | None = Subscription,
    *,
    limits: OperationLimits | None = None,
) -> MixtapeSchema:
    """Build the schema with Mixtape's extensions; limits default to the app's settings."""
    return MixtapeSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        # Factories, not instances: extensions keep per-operation state, so each
        # operation gets its own (the gate's parser and validation caches are shared).
        extensions=[ErrorPolicy, partial(OperationGate, limits)],
    )


schema = build_schema()
