"""Error policy: stable codes for expected errors, masking for the rest, limits."""

from __future__ import annotations

import logging

import pytest
import strawberry

from graphql_api.errors import BadUserInput, RateLimited
from graphql_api.schema import MixtapeSchema, build_schema, schema
from graphql_api.schema.errors import INTERNAL_MESSAGE, ErrorPolicy
from graphql_api.schema.limits import OperationLimits


@strawberry.type
class _Query:
    @strawberry.field
    def expected(self) -> str:
        raise BadUserInput("That is not a colour.", field="colour")

    @strawberry.field
    def limited(self) -> str:
        raise RateLimited("Slow down.", retry_after=12)

    @strawberry.field
    def broken(self) -> str:
        raise KeyError("secret internals")

    @strawberry.field
    def fine(self) -> str:
        return "ok"


test_schema = MixtapeSchema(query=_Query, extensions=[ErrorPolicy])


async def test_expected_errors_keep_their_code_and_message() -> None:
    result = await test_schema.execute("{ expected }")
    assert result.errors is not None
    error = result.errors[0]
    assert error.message == "That is not a colour."
    assert error.extensions == {"code": "BAD_USER_INPUT", "field": "colour"}


async def test_rate_limited_says_when_to_retry() -> None:
    result = await test_schema.execute("{ limited }")
    assert result.errors is not None
    extensions = result.errors[0].extensions or {}
    assert extensions["code"] == "RATE_LIMITED"
    assert extensions["retryAfterSeconds"] == 12
    assert "retryAt" in extensions


async def test_unexpected_errors_are_masked_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="graphql_api.schema"):
        result = await test_schema.execute("{ broken fine }")
    assert result.data == {"broken": None, "fine": "ok"} or result.data is None
    assert result.errors is not None
    error = result.errors[0]
    assert error.message == INTERNAL_MESSAGE
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert "secret internals" not in str(result.errors)
    assert any("secret internals" in (r.exc_text or "") for r in caplog.records)


async def test_expected_errors_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="graphql_api.schema"):
        await test_schema.execute("{ expected }")
    assert caplog.records == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ viewer {", "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
        ('{ node(id: "not base64!") { id } }', "BAD_USER_INPUT"),
    ],
)
async def test_client_mistakes_have_codes(query: str, code: str) -> None:
    result = await schema.execute(query)
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": code}


@strawberry.type
class _Folder:
    @strawberry.field
    def child(self) -> _Folder:
        return _Folder()


@strawberry.type
class _DeepQuery:
    @strawberry.field
    def root(self) -> _Folder:
        return _Folder()


async def test_depth_over_the_limit_is_query_too_complex() -> None:
    limited = build_schema(_DeepQuery, None, None, limits=OperationLimits(max_depth=3))
    assert (await limited.execute("{ root { child { child { __typename } } } }")).errors is None
    result = await limited.execute("{ root { child { child { child { __typename } } } } }")
    assert result.errors is not None
    assert result.errors[0].extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "depth",
        "estimate": 4,
        "limit": 3,
    }


async def test_aliases_over_the_limit_are_query_too_complex() -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(31))
    assert (await schema.execute("{ " + aliases[: aliases.index("a30")] + " }")).errors is None
    result = await schema.execute("{ " + aliases + " }")
    assert result.errors is not None
    assert (result.errors[0].extensions or {})["code"] == "QUERY_TOO_COMPLEX"
    assert (result.errors[0].extensions or {})["measure"] == "aliases"
