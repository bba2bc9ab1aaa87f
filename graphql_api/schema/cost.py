"""The estimated cost of one GraphQL operation, before it runs (see ``limits.py`` and
docs/limits.md): each field counts 1, times the size of the lists it is fetched in, fragments
measured once each rather than expanded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

from graphql_api.kit.pagination import MAX_FIRST
from graphql_api.schema.limits import OperationLimits, too_complex


class _CostEstimator:
    """The cost of one operation: fields, times the lists they are fetched in.

    A paginated field (one with a ``first`` argument) returning a connection costs 1 for
    itself and its own fields (``totalCount``, ``pageInfo``), and ``first`` times for what its
    lists (``edges``, ``nodes``) hold: asking a connection for its count fetches no page.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        limits: OperationLimits,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.fragment_costs: dict[tuple[str, int | None], int] = {}

    def selection_set(self, selection_set: SelectionSetNode, parent: Any, page: int | None) -> int:
        """``page``: the ``first`` of the paginated field whose connection ``parent`` is."""
        # Recursion is bounded: check_shape already capped depth and fragment nesting.
        cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost += self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                cost += self.selection_set(selection.selection_set, inner, page)
            elif isinstance(selection, FragmentSpreadNode):
                cost += self.fragment(selection.name.value, page)
        return cost

    def fragment(self, name: str, page: int | None) -> int:
        if (name, page) not in self.fragment_costs:
            definition = self.fragments.get(name)
            if definition is None:
                return 0
            condition = self.schema.get_type(definition.type_condition.name.value)
            cost = self.selection_set(definition.selection_set, condition, page)
            self.fragment_costs[(name, page)] = cost
        return self.fragment_costs[(name, page)]

    def field(self, node: FieldNode, parent: Any, page: int | None) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 1
        definition = parent.fields.get(name)
        if definition is None:
            return 1
        is_list = is_list_type(get_nullable_type(definition.type))
        size, child_page = 1, None
        if "first" in definition.args:
            first = self._first(node, definition.args["first"].default_value)
            # A paginated list is `first` long; a connection passes `first` to its lists.
            size, child_page = (first, None) if is_list else (1, first)
        elif is_list:
            size = page if page is not None else self.limits.cost_list_size
        children = 0
        if node.selection_set is not None:
            inner = get_named_type(definition.type)
            children = self.selection_set(node.selection_set, inner, child_page)
        return size * (1 + children)

    def _first(self, node: FieldNode, default: Any) -> int:
        value: Any = default
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            literal = argument.value
            if isinstance(literal, IntValueNode):
                value = int(literal.value)
            elif isinstance(literal, VariableNode):
                value = self.variables.get(literal.name.value)
            elif isinstance(literal, NullValueNode):
                value = None
        if not isinstance(value, int) or isinstance(value, bool):
            return self.limits.cost_default_page
        # A `first` beyond the largest page is refused by the connection itself
        # (BAD_USER_INPUT, the clearer answer), so it costs what the largest page does.
        return min(max(value, 0), MAX_FIRST)


def estimate_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    limits: OperationLimits,
) -> int:
    """The estimated cost of ``operation`` (a validated one) with its coerced ``variables``."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    root = schema.get_root_type(operation.operation)
    estimator = _CostEstimator(schema, fragments, variables, limits)
    return estimator.selection_set(operation.selection_set, root, None)


def check_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    limits: OperationLimits,
) -> GraphQLError | None:
    """QUERY_TOO_COMPLEX when the operation's estimated cost is over the limit; else None."""
    cost = estimate_cost(schema, document, operation, variables, limits)
    if cost > limits.max_cost:
        return too_complex("cost", cost, limits.max_cost, "estimated cost")
    return None
