"""OpenID Connect sign-in against a real OpenID provider (oidc-provider), over real HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from graphql_api.db.base import utcnow
from graphql_api.db.models import AuthSession, Identity, OidcState, User
from graphql_api.resources import Resources
from tests.auth.conftest import FRONTEND, VIEWER, error_code
from tests.auth.oidc_flow import at_provider, sign_in, start
from tests.support.graphql_client import GraphQLClient
from tests.support.oidc_provider import ProviderHandle

IDENTITIES = "{ viewer { id identities { id provider providerDisplayName email createdAt } } }"
EXCHANGE = """
mutation($code: String!) { exchangeLoginCode(code: $code) { accessToken user { id } } }"""


async def count(resources: Resources, model: Any) -> int:
    async with resources.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


async def test_a_first_sign_in_creates_an_account_and_the_next_logs_into_it(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    first = await sign_in(http, oidc_app, "alice")
    assert first.status_code == 200, first.text
    session = first.json()
    assert set(session) == {"accessToken", "refreshToken", "expiresAt", "user"}
    viewer = (await ogql.with_token(session["accessToken"]).query(IDENTITIES))["viewer"]
    assert viewer["id"] == session["user"]["id"]
    [identity] = viewer["identities"]
    assert identity["provider"] == "test"
    assert identity["providerDisplayName"] == "Test ID"
    assert identity["email"] == "alice@example.com"
    profile = (await ogql.with_token(session["accessToken"]).query(VIEWER))["viewer"]
    assert profile["displayName"] == "Alice"
    assert profile["email"] is None  # the provider's email is no Mixtape login

    again = await sign_in(http, oidc_app, "alice")
    assert again.status_code == 200, again.text
    assert again.json()["user"]["id"] == session["user"]["id"]
    assert await count(resources, User) == 1
    assert await count(resources, Identity) == 1
    async with resources.sessionmaker() as db:
        methods = set(await db.scalars(select(AuthSession.method)))
    assert methods == {"oidc"}


async def test_a_frontend_sign_in_gets_a_one_time_login_code(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient
) -> None:
    answer = await sign_in(http, oidc_app, "bruno", redirect_to=FRONTEND + "done")
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(FRONTEND + "done?login_code=")
    code = location.split("login_code=", 1)[1]
    data = await ogql.query(EXCHANGE, {"code": code})
    assert data["exchangeLoginCode"]["accessToken"]
    assert error_code(await ogql.execute(EXCHANGE, {"code": code})) == "UNAUTHENTICATED"


async def test_the_providers_route_lists_the_configured_providers(
    http: httpx.AsyncClient, oidc_app: str
) -> None:
    response = await http.get(f"{oidc_app}/auth/oidc/providers")
    assert response.json() == [
        {"name": "test", "displayName": "Test ID", "loginUrl": "/auth/oidc/test/login"}
    ]
    unknown = await http.get(f"{oidc_app}/auth/oidc/nope/login", follow_redirects=False)
    assert unknown.status_code == 404
    assert error_of(unknown)["code"] == "NOT_FOUND"


async def test_a_refused_consent_is_forbidden_and_creates_no_account(
    http: httpx.AsyncClient, oidc_app: str, resources: Resources
) -> None:
    answer = await sign_in(http, oidc_app, "deny")
    assert answer.status_code == 403, answer.text
    assert error_of(answer) | {"message": ""} == {
        "code": "FORBIDDEN",
        "reason": "access_denied",
        "message": "",
    }
    assert await count(resources, User) == 0


async def test_a_refused_consent_from_the_frontend_redirects_with_the_error(
    http: httpx.AsyncClient, oidc_app: str
) -> None:
    answer = await sign_in(http, oidc_app, "deny", redirect_to=FRONTEND)
    assert answer.status_code == 302
    assert answer.headers["location"].startswith(FRONTEND + "?error=FORBIDDEN&")


async def test_a_replayed_or_unknown_state_is_refused(
    http: httpx.AsyncClient, oidc_app: str, resources: Resources
) -> None:
    started = await start(http, oidc_app)
    callback = await at_provider(http, started.headers["location"], "alice", oidc_app)
    assert (await http.get(callback)).status_code == 200
    replay = await http.get(callback)
    assert replay.status_code == 400
    assert error_of(replay)["reason"] == "STATE_INVALID"
    unknown = await http.get(f"{oidc_app}/auth/oidc/test/callback?state=made-up&code=x")
    assert error_of(unknown)["reason"] == "STATE_INVALID"
    assert await count(resources, User) == 1


async def test_an_expired_state_is_refused_and_creates_no_account(
    http: httpx.AsyncClient, oidc_app: str, resources: Resources
) -> None:
    started = await start(http, oidc_app)
    callback = await at_provider(http, started.headers["location"], "alice", oidc_app)
    async with resources.sessionmaker() as db:
        await db.execute(update(OidcState).values(expires_at=utcnow()))
        await db.commit()
    answer = await http.get(callback)
    assert answer.status_code == 400
    assert error_of(answer)["reason"] == "STATE_INVALID"
    assert await count(resources, User) == 0


async def test_a_callback_in_another_browser_is_refused(
    http: httpx.AsyncClient, oidc_app: str, resources: Resources
) -> None:
    # Login CSRF: someone's own callback URL pushed into another browser logs nobody in.
    started = await start(http, oidc_app)
    callback = await at_provider(http, started.headers["location"], "mallory", oidc_app)
    async with httpx.AsyncClient(timeout=30) as other_browser:
        answer = await other_browser.get(callback)
    assert answer.status_code == 400
    assert error_of(answer)["reason"] == "STATE_OTHER_BROWSER"
    assert await count(resources, User) == 0


async def test_two_sign_ins_started_in_one_browser_both_finish(
    http: httpx.AsyncClient, oidc_app: str, resources: Resources
) -> None:
    first = await start(http, oidc_app)
    second = await start(http, oidc_app)
    first_callback = await at_provider(http, first.headers["location"], "alice", oidc_app)
    second_callback = await at_provider(http, second.headers["location"], "bruno", oidc_app)
    assert (await http.get(first_callback)).status_code == 200
    assert (await http.get(second_callback)).status_code == 200
    assert await count(resources, User) == 2


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"aud": "someone-else"}, "WRONG_AUDIENCE"),
        ({"aud": ["mixtape-test", "someone-else"]}, "WRONG_AUDIENCE"),
        ({"azp": "someone-else"}, "WRONG_AUDIENCE"),
        ({"iss": "http://impostor.test"}, "WRONG_ISSUER"),
        ({"nonce": "another-attempts-nonce"}, "NONCE_MISMATCH"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "EXPIRED"),
    ],
)
async def test_an_id_token_failing_a_check_is_refused_and_creates_no_account(
    http: httpx.AsyncClient,
    oidc_app: str,
    provider: ProviderHandle,
    resources: Resources,
    claims: dict[str, Any],
    reason: str,
) -> None:
    provider.tamper_next_id_token(claims)
    answer = await sign_in(http, oidc_app, "alice")
    assert answer.status_code == 400, answer.text
    assert error_of(answer)["code"] == "OIDC_AUTH_FAILED"
    assert error_of(answer)["reason"] == reason
    assert await count(resources, User) == 0


async def test_a_key_rotated_at_the_provider_is_fetched_again(
    http: httpx.AsyncClient, oidc_app: str, provider: ProviderHandle, resources: Resources
) -> None:
    first = await sign_in(http, oidc_app, "alice")
    assert first.status_code == 200, first.text
    provider.rotate_keys()
    # Signed with a key id the app has not seen: it fetches the JWKS again and accepts it.
    again = await sign_in(http, oidc_app, "alice")
    assert again.status_code == 200, again.text
    assert again.json()["user"]["id"] == first.json()["user"]["id"]
    assert await count(resources, User) == 1


async def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    http: httpx.AsyncClient, oidc_app: str, provider: ProviderHandle, resources: Resources
) -> None:
    provider.tamper_next_id_token(unpublished_key=True)
    answer = await sign_in(http, oidc_app, "alice")
    assert answer.status_code == 400, answer.text
    assert error_of(answer)["reason"] == "UNKNOWN_KEY"
    assert await count(resources, User) == 0


async def test_a_provider_down_at_the_token_endpoint_is_a_503_and_creates_no_account(
    http: httpx.AsyncClient, oidc_app: str, provider: ProviderHandle, resources: Resources
) -> None:
    started = await start(http, oidc_app)
    callback = await at_provider(http, started.headers["location"], "alice", oidc_app)
    provider.set_down(True)
    answer = await http.get(callback)
    assert answer.status_code == 503, answer.text
    assert error_of(answer)["code"] == "SERVICE_UNAVAILABLE"
    assert await count(resources, User) == 0


async def test_a_provider_down_at_the_start_is_a_503(
    http: httpx.AsyncClient, oidc_app: str, provider: ProviderHandle
) -> None:
    provider.set_down(True)
    answer = await start(http, oidc_app)
    assert answer.status_code == 503, answer.text
    assert error_of(answer)["code"] == "SERVICE_UNAVAILABLE"


async def test_two_first_sign_ins_of_one_identity_at_once_log_into_one_account(
    http: httpx.AsyncClient, oidc_app: str, resources: Resources
) -> None:
    callbacks = []
    for _ in range(2):
        started = await start(http, oidc_app)
        callbacks.append(await at_provider(http, started.headers["location"], "alice", oidc_app))
    answers = await asyncio.gather(*(http.get(callback) for callback in callbacks))
    assert [answer.status_code for answer in answers] == [200, 200], [a.text for a in answers]
    assert len({answer.json()["user"]["id"] for answer in answers}) == 1
    assert await count(resources, User) == 1
    assert await count(resources, Identity) == 1
