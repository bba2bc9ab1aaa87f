"""schemathesis' GraphQL fuzzing of every root field, anonymous and logged in, on a real app.

One test per query (``Query.node``, ``Query.viewer``, ...) on one app per viewer, and one
test per viewer drawing from every mutation on a fresh app over a throwaway clone of the
golden database; valid and invalid (negative mode) arguments. Every answer goes through
the oracle (``tests/fuzz/oracle.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.fuzz import budget
from tests.fuzz.harness import Fuzz

pytestmark = pytest.mark.timeout(budget.TIMEOUT_S)

SDL = Path(__file__).resolve().parents[2] / "schema.graphql"
schema = schemathesis.graphql.from_path(SDL)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
queries = schema.include(name_regex=r"^Query\.")
mutations = schema.include(name_regex=r"^Mutation\.")


def _call(case: Any, fuzz: Fuzz) -> None:
    mark = len(fuzz.error_log.records)
    response = case.call(base_url=fuzz.target.graphql_url, headers=fuzz.headers())
    content_type = ",".join(response.headers.get("content-type", []))
    fuzz.check(response.status_code, content_type, response.content, mark, case.body)


@queries.parametrize()
@budget.fuzz_settings(10)
def test_query_answers_well_formed_without_internal_errors(case: Any, fuzz_reads: Fuzz) -> None:
    _call(case, fuzz_reads)


# Mutations: one test per viewer drawing from every mutation, so that each test's throwaway
# database costs one clone rather than one per operation (the budget of `make test`).
MUTATION_CASES = st.one_of(
    mutations.as_strategy(GenerationMode.POSITIVE), mutations.as_strategy(GenerationMode.NEGATIVE)
)


@budget.fuzz_settings(50)
@given(case=MUTATION_CASES)
def test_mutations_answer_well_formed_without_internal_errors(fuzz: Fuzz, case: Any) -> None:
    _call(case, fuzz)
    # logout and deleteAccount end alice's session: start over rather than go on anonymous.
    fuzz.keep_viewer()
