"""The operation gate's limits: measured without expanding fragments, refused with a code."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from graphql import get_introspection_query, parse

from graphql_api.schema import schema
from graphql_api.schema.cost import estimate_cost
from graphql_api.schema.limits import OperationLimits, measure_shape
from graphql_api.settings import Settings
from tests.support.abuse import SAVED_TRACKS, doubling_fragments, fragment_chain


async def execute_with(query: str, **settings: Any) -> Any:
    """Execute under these settings: the gate reads them from the context's resources."""
    context = SimpleNamespace(resources=SimpleNamespace(settings=Settings(**settings)))
    return await schema.execute(query, context_value=context)


def extensions_of(result: Any) -> dict[str, Any]:
    assert result.errors is not None, result.data
    assert len(result.errors) == 1, result.errors
    extensions: dict[str, Any] = result.errors[0].extensions or {}
    return extensions


def test_fragment_bomb_is_measured_by_arithmetic_not_by_expansion() -> None:
    # 2**60 fields: only arithmetic on each fragment once can count them.
    shape = measure_shape(parse(doubling_fragments(60)))
    assert not isinstance(shape, Exception)
    assert shape.fields == 2**60 + 1  # and viewer
    assert shape.fragment_depth == 61
    assert shape.fragment_spreads == 121


async def test_the_1_3_kb_fragment_bomb_is_refused_as_too_complex() -> None:
    query = doubling_fragments(30)
    assert 1_100 < len(query) < 1_400
    extensions = extensions_of(await schema.execute(query))
    assert extensions["code"] == "QUERY_TOO_COMPLEX"


async def test_fragment_bomb_within_the_fragment_depth_is_refused_by_its_field_count() -> None:
    # 9 levels are within the fragment-depth limit; 2**9 + 1 fields are not within 500.
    extensions = extensions_of(await schema.execute(doubling_fragments(9)))
    assert extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "fields",
        "estimate": 513,
        "limit": 500,
    }


async def test_fragment_bomb_under_lax_fragment_limits_is_refused_by_its_field_count() -> None:
    result = await execute_with(
        doubling_fragments(40), graphql_max_fragment_depth=1_000, graphql_max_fragment_spreads=1_000
    )
    extensions = extensions_of(result)
    assert extensions["measure"] == "fields"
    assert extensions["estimate"] == 2**40 + 1


async def test_a_chain_of_300_fragments_is_refused_with_a_code() -> None:
    extensions = extensions_of(await schema.execute(fragment_chain(300)))
    assert extensions["code"] == "QUERY_TOO_COMPLEX"
    assert extensions["measure"] == "fragmentSpreads"


async def test_a_chain_of_fragments_longer_than_the_fragment_depth_is_refused() -> None:
    extensions = extensions_of(await schema.execute(fragment_chain(11)))
    assert extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "fragmentDepth",
        "estimate": 12,
        "limit": 10,
    }


@pytest.mark.parametrize(
    "query",
    [
        "query { viewer { ...A } } fragment A on User { ...A }",
        "query { viewer { ...A } } fragment A on User { ...B } fragment B on User { id ...A }",
    ],
)
async def test_fragment_cycles_are_refused_as_validation_failures(query: str) -> None:
    extensions = extensions_of(await schema.execute(query))
    assert extensions == {"code": "GRAPHQL_VALIDATION_FAILED"}


async def test_fields_are_counted_with_fragments_expanded() -> None:
    fragment = "fragment Q on Query { __typename t: __typename }"
    fits = await execute_with("{ ...Q x: __typename } " + fragment, graphql_max_fields=3)
    assert fits.errors is None
    query = "{ ...Q x: __typename ...Q } " + fragment
    assert extensions_of(await execute_with(query, graphql_max_fields=3))["estimate"] == 5


async def test_fields_of_an_unused_fragment_count_too() -> None:
    query = "{ __typename } fragment X on Query { " + " ".join(["__typename"] * 600) + " }"
    extensions = extensions_of(await schema.execute(query))
    assert extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "fields",
        "estimate": 601,
        "limit": 500,
    }


async def test_directives_over_the_limit_are_refused() -> None:
    query = (
        "query { viewer @include(if: true) { id @skip(if: false) displayName @skip(if: false) } }"
    )
    extensions = extensions_of(await execute_with(query, graphql_max_directives=2))
    assert extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "directives",
        "estimate": 3,
        "limit": 2,
    }


async def test_graphiqls_introspection_query_is_within_the_default_limits() -> None:
    result = await schema.execute(get_introspection_query(descriptions=True))
    assert result.errors is None


async def test_introspection_depth_does_not_count_but_its_fields_do() -> None:
    nested = "{ __schema { queryType { fields { type { ofType { name } } } } } }"
    assert (await execute_with(nested, graphql_max_depth=1, graphql_max_fields=6)).errors is None
    wide = "{ __schema { types { name kind description fields { name } } } }"
    result = await execute_with(wide, graphql_max_depth=1, graphql_max_fields=6)
    assert extensions_of(result)["measure"] == "fields"


async def test_thirty_aliases_of_200_saved_tracks_are_too_costly() -> None:
    aliases = " ".join(f"a{i}: {SAVED_TRACKS}" for i in range(30))
    result = await schema.execute(f"query {{ viewer {{ library {{ {aliases} }} }} }}")
    extensions = extensions_of(result)
    assert extensions["code"] == "QUERY_TOO_COMPLEX"
    assert extensions["measure"] == "cost"
    assert extensions["limit"] == 20_000
    estimate = extensions["estimate"]
    assert estimate > 20_000
    assert result.errors is not None
    message = result.errors[0].message
    assert f"is {estimate}" in message
    assert "limit of 20000" in message


def cost(query: str, variables: dict[str, Any] | None = None, **limits: Any) -> int:
    document = parse(query)
    operation = document.definitions[0]
    return estimate_cost(
        schema._schema,
        document,
        operation,  # type: ignore[arg-type]
        variables or {},
        OperationLimits(**limits),
    )


def test_cost_multiplies_first_through_nesting() -> None:
    query = "query { viewer { library { savedTracks(first: 200) { edges { node { name } } } } } }"
    # viewer, library, savedTracks; then 200 edges, each with its node and the node's name.
    assert cost(query) == 1 + 1 + 1 + 200 * (1 + (1 + 1))


def test_a_connections_count_costs_no_page() -> None:
    query = "query { viewer { library { savedTracks(first: 200) { totalCount } } } }"
    assert cost(query) == 1 + 1 + (1 + 1)


def test_cost_reads_first_from_variables_and_assumes_a_page_when_it_is_left_out() -> None:
    query = "query($n: Int) { viewer { librarySnapshots(first: $n) { edges { cursor } } } }"
    assert cost(query, {"n": 7}) == 1 + 1 + 7 * (1 + 1)
    # Left out (the argument's default is null): the assumed page size.
    assert cost(query, {}, cost_default_page=9) == 1 + 1 + 9 * (1 + 1)
    # listeningNow(first: Int = null): every connection's default is null, so the
    # assumed page size (MIXTAPE_GRAPHQL_COST_DEFAULT_PAGE, 50) counts.
    assert cost("query { listeningNow { edges { cursor } } }") == 1 + 50 * (1 + 1)


def test_cost_assumes_a_length_for_lists_without_first() -> None:
    query = (
        "query { viewer { library { savedTracks(first: 2) "
        "{ edges { node { playlists { name } } } } } } }"
    )
    playlists = 5 * (1 + 1)
    edge = 1 + (1 + playlists)  # the edge, its node, the node's playlists
    assert cost(query, cost_list_size=5) == 1 + 1 + 1 + 2 * edge


NESTED_PAGES = (
    "query($n: Int) { viewer { librarySnapshots(first: $n) "
    "{ edges { node { savedTracks(first: $n) { edges { node { name } } } } } } } }"
)


async def test_cost_over_the_limit_from_variables_is_refused() -> None:
    result = await schema.execute(NESTED_PAGES, variable_values={"n": 200})
    extensions = extensions_of(result)
    assert extensions["measure"] == "cost"
    saved_tracks = 1 + 200 * (1 + (1 + 1))
    assert extensions["estimate"] == 1 + 1 + 200 * (1 + (1 + saved_tracks))


def test_a_first_beyond_the_largest_page_costs_the_largest_page() -> None:
    # The connection refuses it (BAD_USER_INPUT); until then it can cause no more work.
    query = "query($n: Int) { viewer { librarySnapshots(first: $n) { edges { cursor } } } }"
    assert cost(query, {"n": 100_000}) == cost(query, {"n": 200}) == 1 + 1 + 200 * 2
