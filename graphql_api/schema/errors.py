"""Error policy: expected errors keep a stable ``extensions.code``; the rest is masked.

A :class:`~graphql_api.errors.MixtapeError` reaches the client with its message and
code. GraphQL's own parse and validation errors get ``GRAPHQL_PARSE_FAILED`` /
``GRAPHQL_VALIDATION_FAILED``. Anything else is logged whole and shown as
``INTERNAL_SERVER_ERROR`` with no detail (the schema's ``process_errors`` logs it).
"""

from __future__ import annotations

from graphql import GraphQLError
from graphql.error import GraphQLSyntaxError
from strawberry.extensions import MaskErrors
from strawberry.relay.types import GlobalIDValueError, InvalidGlobalIDError

from graphql_api.errors import MixtapeError

INTERNAL_MESSAGE = "Unexpected error."


def domain_error_of(error: GraphQLError) -> MixtapeError | None:
    """The domain error behind ``error``, through graphql-core's wrapping.

    A scalar's ``parse_value`` refusing a variable (e.g. a DateTime without a timezone)
    reaches us as a GraphQLError about the variable, wrapping the scalar's GraphQLError,
    wrapping the domain error.
    """
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    return original if isinstance(original, MixtapeError) else None


def code_of(error: GraphQLError) -> str | None:
    """The stable code of an expected error; None for one that must be masked."""
    original = error.original_error
    domain_error = domain_error_of(error)
    if domain_error is not None:
        return domain_error.code
    if isinstance(original, InvalidGlobalIDError | GlobalIDValueError):
        return "BAD_USER_INPUT"
    if isinstance(error, GraphQLSyntaxError) or isinstance(original, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if original is None and isinstance((error.extensions or {}).get("code"), str):
        # Raised with its code by the operation gate (limits, variables).
        return str((error.extensions or {})["code"])
    if original is None:
        # Raised by graphql-core itself: validation, coercion of variables, limits.
        return "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_USER_INPUT"
    return None


class ErrorPolicy(MaskErrors):
    def __init__(self) -> None:
        super().__init__(error_message=INTERNAL_MESSAGE)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = []
        for error in errors:
            code = code_of(error)
            if code is None:
                masked = self.anonymise_error(error)
                masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
                processed.append(masked)
                continue
            extensions = dict(error.extensions or {})
            domain_error = domain_error_of(error)
            if domain_error is not None:
                extensions.update(domain_error.extensions)
            extensions["code"] = code
            error.extensions = extensions
            processed.append(error)
        return processed
