"""The GraphQL schema, ``graphql_api.schema:schema``."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from graphql_api.schema.errors import ErrorPolicy, code_of
from graphql_api.schema.gate import OperationGate
from graphql_api.schema.inputs import AWARE_DATETIME, StringPolicy
from graphql_api.schema.limits import OperationLimits
from graphql_api.schema.observe import (
    observe_subscriptions,
    operation_observer,
)
from graphql_api.schema.root import Mutation, Query, Subscription
from graphql_api.schema.subscriptions import resolve_events_with_fresh_loaders
from graphql_api.settings import get_settings

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
    settings = get_settings()
    built = MixtapeSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        # Factories, not instances: extensions keep per-operation state, so each
        # operation gets its own (the gate's parser and validation caches are shared).
        extensions=[
            # Outermost: it times and counts the whole operation, refusals included.
            operation_observer,
            ErrorPolicy,
            partial(OperationGate, limits),
            # After the gate's validation: strings of a valid operation (inline and variables).
            partial(StringPolicy, max_length=settings.graphql_max_string_length),
        ],
        # DateTime input without a timezone is BAD_USER_INPUT (graphql_api/schema/inputs.py).
        scalar_overrides={dt.datetime: AWARE_DATETIME},
    )
    resolve_events_with_fresh_loaders(built)
    observe_subscriptions(built)
    return built


schema = build_schema()
