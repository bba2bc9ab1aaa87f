"""Helpers for the account tests: register and log in over GraphQL; a real OpenID provider."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from graphql_api.app import create_app
from graphql_api.settings import OidcProviderSettings, Settings
from tests.support.graphql_client import GraphQLClient
from tests.support.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    PROVIDER,
    PUBLIC_URL,
    ProviderHandle,
    install,
    require_node,
    run_provider,
)
from tests.support.server import serve

FRONTEND = "http://frontend.test/app/"

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


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[ProviderHandle]:
    """One real OpenID provider per test worker (reset before each test that uses it)."""
    require_node()
    install()
    with run_provider([f"{PUBLIC_URL}/auth/oidc/{PROVIDER}/callback"]) as handle:
        yield handle


@pytest.fixture
def provider(oidc_provider: ProviderHandle) -> ProviderHandle:
    oidc_provider.reset()
    return oidc_provider


@pytest.fixture
def oidc_settings(settings: Settings, provider: ProviderHandle) -> Settings:
    """The test's settings with the test provider configured (``oidc_flow`` drives it)."""
    return with_provider(settings, provider.issuer)


def with_provider(settings: Settings, issuer: str, **update: Any) -> Settings:
    test_provider = OidcProviderSettings(
        name=PROVIDER,
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=SecretStr(CLIENT_SECRET),
        display_name="Test ID",
    )
    return settings.model_copy(
        update={
            "public_url": PUBLIC_URL,
            "oidc_providers": (test_provider,),
            # Every key rotation of a test is seen at once.
            "oidc_jwks_refetch_min_s": 0.0,
            # A sign-in without redirect_to answers JSON, even in demo mode.
            "auth_login_lands_on_graphiql": False,
            "auth_redirect_allowlist": [FRONTEND],
            **update,
        }
    )


@pytest.fixture
async def oidc_app(oidc_settings: Settings) -> AsyncIterator[str]:
    async with serve(create_app(oidc_settings)) as url:
        yield url


@pytest.fixture
def ogql(oidc_app: str, http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(oidc_app, http)
