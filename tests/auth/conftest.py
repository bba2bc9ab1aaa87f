"""Helpers for the account tests: register and log in over GraphQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.graphql_client import GraphQLClient

PASSWORD = "correct horse battery"

PAYLOAD = "accessToken refreshToken expiresAt user { id displayName email }"
REGISTER = f"""
mutation($email: String!, $password: String!, $displayName: String!) {{
  register(email: $email, password: $password, displayName: $displayName) {{ {PAYLOAD} }}
}}"""
LOGIN = f"""
mutation($email: String!, $password: String!) {{
  login(email: $email, password: $password) {{ {PAYLOAD} }}
}}"""
REFRESH = f"""
mutation($token: String!) {{ refreshSession(refreshToken: $token) {{ {PAYLOAD} }} }}"""
VIEWER = "{ viewer { id displayName email spotify { linked accountId needsRelink scopes } } }"


def error_code(body: dict[str, Any]) -> str:
    """The ``extensions.code`` of the only error of a GraphQL answer."""
    errors = body.get("errors")
    assert errors, body
    assert len(errors) == 1, errors
    code: str = errors[0]["extensions"]["code"]
    return code


async def register(
    gql: GraphQLClient, email: str = "ada@example.com", display_name: str = "Ada"
) -> dict[str, Any]:
    data = await gql.query(
        REGISTER, {"email": email, "password": PASSWORD, "displayName": display_name}
    )
    payload: dict[str, Any] = data["register"]
    return payload


@pytest.fixture
async def ada(gql: GraphQLClient) -> dict[str, Any]:
    """A registered local user's AuthPayload."""
    return await register(gql)
