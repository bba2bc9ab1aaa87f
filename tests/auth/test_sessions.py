"""Refresh-token rotation, reuse detection, logout."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from graphql_api.app import create_app
from graphql_api.settings import Settings
from tests.auth.conftest import REFRESH, VIEWER, error_code, register
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve

LOGOUT = "mutation { logout }"


async def test_refresh_rotates_both_tokens(gql: GraphQLClient, ada: dict[str, Any]) -> None:
    renewed = (await gql.query(REFRESH, {"token": ada["refreshToken"]}))["refreshSession"]
    assert renewed["refreshToken"] != ada["refreshToken"]
    assert renewed["accessToken"] != ada["accessToken"]
    assert renewed["user"]["id"] == ada["user"]["id"]
    viewer = (await gql.with_token(renewed["accessToken"]).query(VIEWER))["viewer"]
    assert viewer["id"] == ada["user"]["id"]
    # And the new refresh token works in turn.
    again = (await gql.query(REFRESH, {"token": renewed["refreshToken"]}))["refreshSession"]
    assert again["user"]["id"] == ada["user"]["id"]


async def test_reusing_a_spent_refresh_token_revokes_the_family(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    renewed = (await gql.query(REFRESH, {"token": ada["refreshToken"]}))["refreshSession"]
    replay = await gql.execute(REFRESH, {"token": ada["refreshToken"]})
    assert error_code(replay) == "UNAUTHENTICATED"
    assert replay["errors"][0]["extensions"]["reason"] == "TOKEN_REUSED"
    # The thief replayed; the legitimate holder of the newest tokens is logged out too.
    newest = await gql.execute(REFRESH, {"token": renewed["refreshToken"]})
    assert error_code(newest) == "UNAUTHENTICATED"
    body = await gql.with_token(renewed["accessToken"]).execute(VIEWER)
    assert error_code(body) == "UNAUTHENTICATED"


async def test_unknown_refresh_token(gql: GraphQLClient) -> None:
    assert error_code(await gql.execute(REFRESH, {"token": "made-up"})) == "UNAUTHENTICATED"


async def test_logout_ends_the_session_only(gql: GraphQLClient, ada: dict[str, Any]) -> None:
    from tests.auth.conftest import LOGIN, PASSWORD

    other = (await gql.query(LOGIN, {"email": "ada@example.com", "password": PASSWORD}))["login"]
    me = gql.with_token(ada["accessToken"])
    assert (await me.query(LOGOUT))["logout"] is True
    assert error_code(await me.execute(VIEWER)) == "UNAUTHENTICATED"
    assert error_code(await gql.execute(REFRESH, {"token": ada["refreshToken"]})) == (
        "UNAUTHENTICATED"
    )
    # Ada's other session (another device) is untouched.
    viewer = (await gql.with_token(other["accessToken"]).query(VIEWER))["viewer"]
    assert viewer["id"] == ada["user"]["id"]


async def test_logout_needs_a_session(gql: GraphQLClient) -> None:
    assert error_code(await gql.execute(LOGOUT)) == "UNAUTHENTICATED"


async def test_concurrent_refreshes_with_one_token_let_exactly_one_through(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    bodies = await asyncio.gather(
        *(gql.execute(REFRESH, {"token": ada["refreshToken"]}) for _ in range(4))
    )
    winners = [body for body in bodies if not body.get("errors")]
    assert len(winners) == 1, bodies
    assert all(error_code(body) == "UNAUTHENTICATED" for body in bodies if body.get("errors"))


@pytest.fixture
async def stale_gql(settings: Settings, http: httpx.AsyncClient) -> AsyncIterator[GraphQLClient]:
    """An app whose tokens are born expired: expiry is checked without waiting for it."""
    stale = settings.model_copy(
        update={"auth_access_token_ttl_s": -60, "auth_refresh_token_ttl_s": -60}
    )
    async with serve(create_app(stale)) as url:
        yield GraphQLClient(url, http)


async def test_expired_access_and_refresh_tokens_are_refused(stale_gql: GraphQLClient) -> None:
    ada = await register(stale_gql)
    body = await stale_gql.with_token(ada["accessToken"]).execute(VIEWER)
    assert error_code(body) == "UNAUTHENTICATED"
    assert body["errors"][0]["extensions"]["reason"] == "TOKEN_EXPIRED"
    body = await stale_gql.execute(REFRESH, {"token": ada["refreshToken"]})
    assert error_code(body) == "UNAUTHENTICATED"
    assert body["errors"][0]["extensions"]["reason"] == "EXPIRED"


async def test_fields_after_logout_in_the_same_operation_are_unauthenticated(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    me = gql.with_token(ada["accessToken"])
    body = await me.execute(
        "mutation { logout setNowPlayingSharing(level: EVERYONE) { nowPlayingSharing } }"
    )
    # The session ended with the first field: the second must not act for ada.
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["setNowPlayingSharing"], "UNAUTHENTICATED")
    ]
    again = await gql.query(
        "mutation($email: String!, $password: String!) { login(email: $email, password: $password)"
        " { user { nowPlayingSharing } } }",
        {"email": "ada@example.com", "password": "correct horse battery"},
    )
    assert again["login"]["user"]["nowPlayingSharing"] != "EVERYONE"
