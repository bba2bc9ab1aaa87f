"""hypothesis-graphql fuzzing from the SDL, with inline values and with variables.

Documents of several root fields at once, valid and with one schema violation (negative
mode), their scalars aimed at real ids and cursors and at awkward strings
(``tests/fuzz/strategies.py``); each argument inline or moved into a variable. Anonymous
and as alice (logged in through the Spotify emulator, with a snapshot).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphql
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, queries

from tests.fuzz import budget
from tests.fuzz.harness import Fuzz
from tests.fuzz.strategies import custom_scalars, with_variables

pytestmark = pytest.mark.timeout(budget.TIMEOUT_S)

SDL = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text()
SCHEMA = graphql.build_schema(SDL)


def _document(data: st.DataObject, fuzz: Fuzz, build: Any) -> dict[str, Any]:
    mode = data.draw(st.sampled_from([Mode.POSITIVE, Mode.NEGATIVE]), label="mode")
    document = data.draw(
        build(
            SCHEMA,
            custom_scalars=custom_scalars(fuzz.known),
            print_ast=lambda node: node,
            mode=mode,
        )
    )
    passing = data.draw(st.sampled_from(["inline", "variables", "mixed"]), label="values")
    if passing == "mixed":
        query, variables = with_variables(SCHEMA, document, lambda: data.draw(st.booleans()))
    else:
        query, variables = with_variables(SCHEMA, document, lambda: passing == "variables")
    return {"query": query, "variables": variables}


@budget.fuzz_settings(30)
@given(data=st.data())
def test_queries_answer_well_formed_without_internal_errors(
    fuzz_reads: Fuzz, data: st.DataObject
) -> None:
    fuzz_reads.post_graphql(_document(data, fuzz_reads, queries))


@budget.fuzz_settings(25)
@given(data=st.data())
def test_mutations_answer_well_formed_without_internal_errors(
    fuzz: Fuzz, data: st.DataObject
) -> None:
    fuzz.post_graphql(_document(data, fuzz, mutations))
    # logout and deleteAccount end alice's session: start over rather than go on anonymous.
    fuzz.keep_viewer()
