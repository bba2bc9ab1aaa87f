"""The operation gate: every operation is bounded and validated before it runs.

One schema extension, so HTTP and websockets (queries, mutations and subscriptions) pass the
same checks, in this order, each cheap because the one before bounded its input:

1. parsing, with graphql-core's own bounds on length, tokens and comments;
2. the document's shape (graphql_api/schema/limits.py): fragment cycles, fragment spreads and
   nesting, depth, fields, aliases and directives, measured without expanding fragments;
3. GraphQL validation (cached), without introspection when it is turned off;
4. the variables, coerced here so that a bad value is the client's ``BAD_USER_INPUT`` rather
   than an error from inside execution;
5. the estimated cost of the operation.

Large documents are parsed and checked in a worker thread: the event loop keeps serving other
requests (and /healthz) meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, TypeVar

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    get_operation_ast,
    parse,
)
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from graphql_api.schema.cost import check_cost
from graphql_api.schema.limits import OperationLimits, check_shape
from graphql_api.settings import get_settings

# Documents at least this long are parsed and checked off the event loop; shorter ones take
# less time than the hop to a thread.
OFFLOAD_LENGTH = 2_000
BAD_USER_INPUT = "BAD_USER_INPUT"
T = TypeVar("T")
# One thread for the whole process: the work is Python, so it holds the GIL, and the event loop
# gets its turn at each switch interval only against as few threads as possible. A flood of
# large documents queues here instead of starving the loop.
_GATE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphql-gate")
# Takes the place of a document that failed to parse (see OperationGate.on_parse).
_STAND_IN = parse("{ __typename }")


@lru_cache(maxsize=1024)
def _parse(query: str, options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    return parse(query, **dict(options))


@lru_cache(maxsize=1024)
def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    return validate_document(schema, document, rules)


def check_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: object,
    rules: tuple[type[ASTValidationRule], ...],
    limits: OperationLimits,
) -> list[GraphQLError]:
    """Every reason not to execute this operation (empty when it may run)."""
    shape_error = check_shape(document, limits)
    if shape_error is not None:
        return [shape_error]
    if not limits.introspection:
        rules = (*rules, NoSchemaIntrospectionCustomRule)
    errors = _validate(schema, document, rules)
    if errors:
        return errors
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []  # graphql-core reports a missing or ambiguous operation name
    if variables is not None and not isinstance(variables, dict):
        return [GraphQLError("Variables must be an object.", extensions={"code": BAD_USER_INPUT})]
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), variables or {}, max_errors=20
    )
    if isinstance(coerced, list):
        # graphql-core keeps the scalar's own error as original_error: a client's mistake
        # all the same, not something to mask and log.
        return [
            GraphQLError(error.message, error.nodes, extensions={"code": BAD_USER_INPUT})
            for error in coerced
        ]
    cost_error = check_cost(schema, document, operation, coerced.coerced, limits)
    return [cost_error] if cost_error is not None else []


async def _maybe_offloaded(length: int, limits: OperationLimits, function: Callable[[], T]) -> T:
    # Over the length limit, parsing stops before it starts: no need for a thread.
    if OFFLOAD_LENGTH <= length <= limits.max_query_length:
        return await asyncio.get_running_loop().run_in_executor(_GATE_THREAD, function)
    return function()


class OperationGate(SchemaExtension):
    """Bounds, validates and checks the variables of each operation before execution.

    The limits are the app's settings (from the request context's resources) unless given.
    """

    def __init__(self, limits: OperationLimits | None = None) -> None:
        super().__init__()
        self._fixed_limits = limits
        self._parse_error: GraphQLError | None = None

    @property
    def limits(self) -> OperationLimits:
        if self._fixed_limits is not None:
            return self._fixed_limits
        resources = getattr(self.execution_context.context, "resources", None)
        settings = getattr(resources, "settings", None) or get_settings()
        return OperationLimits.from_settings(settings)

    def on_operation(self) -> Iterator[None]:
        # Also bounds strawberry's own parse, which reports a document the gate refused.
        # strawberry types parse_options with max_tokens only; graphql-core takes them all.
        self.execution_context.parse_options.update(self.limits.parse_options())  # type: ignore[typeddict-item]
        yield

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        query = context.query
        if query and context.graphql_document is None:
            options = tuple(sorted(context.parse_options.items()))
            try:
                context.graphql_document = await _maybe_offloaded(
                    len(query), self.limits, lambda: _parse(query, options)
                )
            except GraphQLError as error:
                # Left without a document, strawberry would parse the query again, on the
                # event loop. A stand-in document gets it to validation, which reports this.
                self._parse_error = error
                context.graphql_document = _STAND_IN
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if self._parse_error is not None:
            context.pre_execution_errors = [self._parse_error]
        elif document is not None and context.pre_execution_errors is None:
            limits = self.limits
            schema = context.schema._schema
            context.pre_execution_errors = await _maybe_offloaded(
                len(context.query or ""),
                limits,
                lambda: check_operation(
                    schema,
                    document,
                    context.operation_name,
                    context.variables,
                    tuple(context.validation_rules),
                    limits,
                ),
            )
        yield
