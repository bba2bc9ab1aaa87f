"""The generators' own correctness: moving values into variables keeps a document valid."""

from __future__ import annotations

from pathlib import Path

import graphql
from graphql.execution.values import get_variable_values
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import mutations, queries

from tests.fuzz import budget
from tests.fuzz.live import Known
from tests.fuzz.strategies import custom_scalars, with_variables

SCHEMA = graphql.build_schema((Path(__file__).resolve().parents[2] / "schema.graphql").read_text())
KNOWN = Known(ids=["VXNlcjox"], cursors=["bzow"])


@budget.fuzz_settings(60)
@given(data=st.data(), build=st.sampled_from([queries, mutations]))
def test_valid_documents_stay_valid_with_their_values_as_variables(
    data: st.DataObject, build: object
) -> None:
    document = data.draw(
        build(SCHEMA, custom_scalars=custom_scalars(KNOWN), print_ast=lambda node: node)  # type: ignore[operator]
    )
    query, variables = with_variables(SCHEMA, document, lambda: True)
    parsed = graphql.parse(query)
    assert graphql.validate(SCHEMA, parsed) == []
    operation = parsed.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    assert all(isinstance(node.value, graphql.VariableNode) for node in _arguments(parsed))
    definitions = operation.variable_definitions or ()
    assert {d.variable.name.value for d in definitions} == set(variables)
    # What the server will do with them: coercion succeeds for a valid document's values
    # (DateTime is a custom scalar: its values stay strings, checked by the app itself).
    coerced = get_variable_values(SCHEMA, definitions, variables)
    assert not isinstance(coerced, list), coerced


def _arguments(document: graphql.DocumentNode) -> list[graphql.ArgumentNode]:
    found: list[graphql.ArgumentNode] = []

    class Collect(graphql.Visitor):
        def enter_argument(self, node: graphql.ArgumentNode, *_: object) -> None:
            found.append(node)

    graphql.visit(document, Collect())
    return found
