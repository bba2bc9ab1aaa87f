"""One policy for every value a client sends: strings and DateTimes, inline and variables."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from graphql_api.schema import schema
from graphql_api.settings import Settings
from tests.auth.conftest import PASSWORD, REGISTER, error_code, register
from tests.support.graphql_client import GraphQLClient

MAX = Settings().graphql_max_string_length
HISTORY = """query($since: DateTime, $until: DateTime) {
  viewer { listeningHistory(since: $since, until: $until) { totalCount } }
}"""


def _inline_register(email: str, display_name: str) -> str:
    # json.dumps writes a valid GraphQL string literal (same escapes).
    return (
        f"mutation {{ register(email: {json.dumps(email)}, password: {json.dumps(PASSWORD)},"
        f" displayName: {json.dumps(display_name)}) {{ accessToken }} }}"
    )


BAD_STRINGS = {
    "NUL in the email": ("ada\x00@example.com", "Ada", "NUL character"),
    "NUL in the name": ("ada@example.com", "A\x00da", "NUL character"),
    "too long": ("ada@example.com", "a" * (MAX + 1), f"at most {MAX:,}"),
}


@pytest.mark.parametrize("case", list(BAD_STRINGS))
async def test_a_bad_string_is_bad_user_input_inline_and_as_a_variable(
    gql: GraphQLClient, case: str
) -> None:
    email, name, reason = BAD_STRINGS[case]
    variables = {"email": email, "password": PASSWORD, "displayName": name}
    for body in (
        await gql.execute(REGISTER, variables),
        await gql.execute(_inline_register(email, name)),
    ):
        assert body.get("data") is None, body
        assert error_code(body) == "BAD_USER_INPUT", body
        assert reason in body["errors"][0]["message"]
    # Nothing was stored: the same address registers cleanly afterwards.
    await register(gql)


async def test_a_lone_surrogate_is_refused_as_a_variable_and_inline(
    gql: GraphQLClient, app_url: str, http: httpx.AsyncClient
) -> None:
    # "\ud800" is valid JSON, but no database driver can encode the string it makes.
    variables = {"email": "ada@example.com", "password": PASSWORD, "displayName": "A<>da"}
    raw = json.dumps({"query": REGISTER, "variables": variables}).replace("<>", "\\ud800")
    response = await http.post(
        f"{app_url}/graphql", content=raw, headers={"content-type": "application/json"}
    )
    body = response.json()
    assert error_code(body) == "BAD_USER_INPUT", body
    assert "lone surrogate" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["variable"] == "displayName"
    # Inline, GraphQL's own lexer refuses it first.
    inline = await gql.execute('{ node(id: "\\ud800") { id } }')
    assert error_code(inline) == "GRAPHQL_PARSE_FAILED"


async def test_a_string_of_exactly_the_limit_is_accepted(gql: GraphQLClient) -> None:
    body = await gql.execute(
        REGISTER, {"email": "ada@example.com", "password": PASSWORD, "displayName": "a" * MAX}
    )
    # Accepted by the policy; the display-name rule of accounts then answers.
    assert error_code(body) == "BAD_USER_INPUT"
    assert "display name" in body["errors"][0]["message"]


async def test_a_string_nested_deeper_than_the_recursion_limit_is_bad_user_input() -> None:
    # No RecursionError, whatever the nesting: the gate's coercion refuses a list for a
    # String, and the string policy's walk over variables is iterative besides.
    nested: Any = "x\x00"
    for _ in range(5000):
        nested = [nested]
    result = await schema.execute(
        "query($v: String) { viewer { listeningHistory(after: $v) { totalCount } } }",
        variable_values={"v": nested},
    )
    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("argument", ["since", "until"])
async def test_a_datetime_without_a_timezone_is_bad_user_input(
    gql: GraphQLClient, argument: str
) -> None:
    me = gql.with_token((await register(gql))["accessToken"])
    naive = "2026-03-01T12:00:00"
    for body in (
        await me.execute(HISTORY, {argument: naive}),
        await me.execute(
            f'{{ viewer {{ listeningHistory({argument}: "{naive}") {{ totalCount }} }} }}'
        ),
    ):
        assert error_code(body) == "BAD_USER_INPUT", body
        assert "has no timezone" in body["errors"][0]["message"]
    aware = await me.query(HISTORY, {argument: naive + "Z"})
    assert aware["viewer"]["listeningHistory"]["totalCount"] == 0


@pytest.mark.parametrize("edge", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_a_datetime_that_leaves_the_calendar_in_utc_is_bad_user_input(
    gql: GraphQLClient, edge: str
) -> None:
    # Valid ISO 8601 with a timezone, but year 0 or 10000 in UTC: no column can hold it.
    me = gql.with_token((await register(gql))["accessToken"])
    body = await me.execute(HISTORY, {"since": edge})
    assert error_code(body) == "BAD_USER_INPUT", body


async def test_a_bad_string_in_a_subscription_is_refused_over_websockets(
    gql: GraphQLClient,
) -> None:
    subscription = "subscription($id: ID!) { librarySnapshot(id: $id) { status } }"
    async with gql.websocket() as ws:
        operation = await ws.subscribe(subscription, {"id": "TGlicmFyeVNuYXBzaG90OjE=\x00"})
        message = await ws.receive()
    assert (message["type"], message["id"]) == ("error", operation), message
    (error,) = message["payload"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "variable": "id"}
    assert "NUL character" in error["message"]
