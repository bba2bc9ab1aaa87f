"""Every value a client sends, checked in one place before any resolver runs.

- Strings, whether written inline in the document or sent as variables: bounded length
  (``MIXTAPE_GRAPHQL_MAX_STRING_LENGTH``), no NUL, no lone surrogate
  (:mod:`graphql_api.kit.text`). :class:`StringPolicy` checks them right after
  validation, so a bad string is refused with BAD_USER_INPUT before execution, for
  queries, mutations and subscriptions alike, and no resolver repeats the check.
- ``DateTime``: :data:`AWARE_DATETIME` replaces strawberry's scalar and refuses a value
  without a timezone (a naive time is ambiguous, and the database stores only aware
  ones).

GraphQL's built-in ``String`` scalar cannot be replaced (graphql-core reserves the
name), hence an extension for strings rather than a scalar override.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import BREAK, GraphQLError, StringValueNode, Visitor, visit
from graphql.language import DocumentNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

from graphql_api.errors import BadUserInput
from graphql_api.kit.text import text_problem


class _FirstBadString(Visitor):
    def __init__(self, max_length: int) -> None:
        super().__init__()
        self.max_length = max_length
        self.error: GraphQLError | None = None

    def enter_string_value(self, node: StringValueNode, *_args: object) -> object:
        problem = text_problem(node.value, self.max_length)
        if problem is None:
            return None
        message = f"A string in the operation {problem}."
        self.error = GraphQLError(message, node, original_error=BadUserInput(message))
        return BREAK


def _document_error(document: DocumentNode, max_length: int) -> GraphQLError | None:
    finder = _FirstBadString(max_length)
    visit(document, finder)
    return finder.error


def _strings(value: object) -> Iterator[str]:
    # Iterative: deeply nested variables must not exhaust the stack here.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


def _variables_error(variables: Mapping[str, Any], max_length: int) -> GraphQLError | None:
    for name, value in variables.items():
        for text in (name, *_strings(value)):
            problem = text_problem(text, max_length)
            if problem is not None:
                message = f"Variable `${name[:64]}` {problem}."
                return GraphQLError(
                    message, original_error=BadUserInput(message, variable=name[:64])
                )
    return None


class StringPolicy(SchemaExtension):
    """Refuse an operation any of whose strings is too long, holds NUL or a lone surrogate.

    List it after ``ValidationCache``: it runs once the document is known to be valid,
    and a validation error, when there is one, is the answer instead.
    """

    def __init__(self, *, max_length: int) -> None:
        self.max_length = max_length

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if not context.pre_execution_errors and document is not None:
            error = _document_error(document, self.max_length) or _variables_error(
                context.variables or {}, self.max_length
            )
            if error is not None:
                # Set before strawberry's own validation step, which then stands aside.
                context.pre_execution_errors = [error]
        yield


def _parse_aware_datetime(value: object) -> dt.datetime:
    if not isinstance(value, str):
        message = "A DateTime must be an ISO 8601 string."
        raise GraphQLError(message, original_error=BadUserInput(message))
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        message = f"Not an ISO 8601 date and time: {value[:64]!r}."
        raise GraphQLError(message, original_error=BadUserInput(message)) from None
    if parsed.utcoffset() is None:
        message = (
            f"The DateTime {value[:64]!r} has no timezone; add one "
            "(e.g. 2026-01-31T12:00:00Z or +01:00)."
        )
        raise GraphQLError(message, original_error=BadUserInput(message))
    try:
        # Stored and compared in UTC: 0001-01-01T00:00+14:00 is in year 0 there.
        parsed.astimezone(dt.UTC)
    except OverflowError:
        message = f"The DateTime {value[:64]!r} is out of range in UTC."
        raise GraphQLError(message, original_error=BadUserInput(message)) from None
    return parsed


AWARE_DATETIME: ScalarDefinition = dataclasses.replace(
    DateTimeDefinition, parse_value=_parse_aware_datetime
)
"""Strawberry's ``DateTime`` (same name, description and output), refusing naive input."""
