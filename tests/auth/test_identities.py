"""Linking and unlinking OpenID Connect identities; nobody reaches another's identities.

Against the real test provider (``tests/oidc_provider``), like ``test_oidc_login.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import func, select
from strawberry.relay import to_base64

from graphql_api.app import create_app
from graphql_api.auth.spotify_accounts import save_link
from graphql_api.db.base import utcnow
from graphql_api.db.models import AuthSession, Identity, IdentityLinkCode, OidcState, User
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from graphql_api.spotify.oauth import TokenSet
from tests.auth.conftest import FRONTEND, REFRESH, error_code, register
from tests.auth.oidc_flow import at_provider, sign_in
from tests.auth.test_oidc_login import IDENTITIES, count
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve

LINK = 'mutation($to: String) { linkIdentity(provider: "test", redirectTo: $to) }'
COMPLETE = "mutation($code: String!) { completeIdentityLink(code: $code) { id provider email } }"
UNLINK = "mutation($id: ID!) { unlinkIdentity(id: $id) { id identities { id } } }"
HOUR = dt.timedelta(hours=1)
NODE = "query($id: ID!) { node(id: $id) { id ... on User { identities { id } } } }"


def reason(body: dict[str, Any]) -> str:
    value: str = body["errors"][0]["extensions"]["reason"]
    return value


async def signed_in(http: httpx.AsyncClient, app: str, gql: GraphQLClient, user: str) -> Any:
    """A client logged in through the provider as ``user``."""
    answer = await sign_in(http, app, user)
    assert answer.status_code == 200, answer.text
    return gql.with_token(answer.json()["accessToken"])


async def link_code(
    http: httpx.AsyncClient, app: str, me: GraphQLClient, user: str, **variables: Any
) -> httpx.Response:
    """Run linkIdentity as ``me`` and consent at the provider as ``user``; the callback."""
    url = (await me.query(LINK, variables))["linkIdentity"]
    return await http.get(await at_provider(http, url, user, app), follow_redirects=False)


async def identities(me: GraphQLClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await me.query(IDENTITIES))["viewer"]["identities"]
    return found


async def test_a_local_account_links_an_identity_then_signs_in_with_it(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    ada = await register(ogql)
    me = ogql.with_token(ada["accessToken"])
    held = await link_code(http, oidc_app, me, "carol")
    assert held.status_code == 200, held.text
    assert await count(resources, Identity) == 0  # held for its owner, not linked yet
    linked = (await me.query(COMPLETE, {"code": held.json()["linkCode"]}))["completeIdentityLink"]
    assert linked["provider"] == "test"
    assert linked["email"] == "carol@example.com"
    assert [i["id"] for i in await identities(me)] == [linked["id"]]

    answer = await sign_in(http, oidc_app, "carol")
    assert answer.json()["user"]["id"] == ada["user"]["id"]
    assert await count(resources, User) == 1


async def test_a_link_redirects_back_to_the_frontend_with_a_link_code(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient
) -> None:
    me = ogql.with_token((await register(ogql))["accessToken"])
    held = await link_code(http, oidc_app, me, "carol", to=FRONTEND)
    assert held.status_code == 302
    location = held.headers["location"]
    assert location.startswith(FRONTEND + "?link_code=")
    await me.query(COMPLETE, {"code": location.split("link_code=", 1)[1]})
    assert len(await identities(me)) == 1


async def test_unlinking_then_signing_in_again_creates_a_new_account(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    ada = await register(ogql)
    me = ogql.with_token(ada["accessToken"])
    held = await link_code(http, oidc_app, me, "carol")
    identity = (await me.query(COMPLETE, {"code": held.json()["linkCode"]}))["completeIdentityLink"]
    unlinked = (await me.query(UNLINK, {"id": identity["id"]}))["unlinkIdentity"]
    assert unlinked == {"id": ada["user"]["id"], "identities": []}
    answer = await sign_in(http, oidc_app, "carol")
    assert answer.json()["user"]["id"] != ada["user"]["id"]
    assert await count(resources, User) == 2


async def test_the_last_way_to_log_in_cannot_be_unlinked(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    me = await signed_in(http, oidc_app, ogql, "alice")
    [first] = await identities(me)
    refused = await me.execute(UNLINK, {"id": first["id"]})
    assert error_code(refused) == "FORBIDDEN"
    assert reason(refused) == "LAST_LOGIN_METHOD"

    held = await link_code(http, oidc_app, me, "bruno")
    await me.query(COMPLETE, {"code": held.json()["linkCode"]})
    # With a second identity, the first may go; then the second is the last.
    await me.query(UNLINK, {"id": first["id"]})
    [second] = await identities(me)
    assert reason(await me.execute(UNLINK, {"id": second["id"]})) == "LAST_LOGIN_METHOD"
    assert await count(resources, Identity) == 1


async def test_an_email_at_the_provider_never_reaches_the_account_registered_with_it(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    # The provider says alice@example.com; a local account has that address. No merge.
    local = await register(ogql, email="alice@example.com", display_name="Local Alice")
    answer = await sign_in(http, oidc_app, "alice")
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["id"] != local["user"]["id"]
    assert await count(resources, User) == 2
    async with resources.sessionmaker() as db:
        owner = await db.scalar(select(Identity.user_id))
        local_user = await db.scalar(select(User).where(User.email == "alice@example.com"))
    assert local_user is not None
    assert owner != local_user.id


async def test_an_identity_of_another_account_cannot_be_linked(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    await signed_in(http, oidc_app, ogql, "alice")
    me = ogql.with_token((await register(ogql))["accessToken"])
    held = await link_code(http, oidc_app, me, "alice")
    assert held.status_code == 409, held.text
    assert held.json()["error"]["code"] == "CONFLICT"
    assert await identities(me) == []
    assert await count(resources, IdentityLinkCode) == 0


async def test_a_link_code_presented_by_another_account_is_burnt(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    owner = ogql.with_token((await register(ogql))["accessToken"])
    thief = ogql.with_token((await register(ogql, email="bob@example.com"))["accessToken"])
    code = (await link_code(http, oidc_app, owner, "carol")).json()["linkCode"]
    stolen = await thief.execute(COMPLETE, {"code": code})
    assert reason(stolen) == "LINK_CODE_INVALID"
    # The owner learns it is spent; it links nothing any more.
    late = await owner.execute(COMPLETE, {"code": code})
    assert reason(late) == "LINK_CODE_USED"
    assert await count(resources, Identity) == 0
    assert reason(await owner.execute(COMPLETE, {"code": "made-up"})) == "LINK_CODE_INVALID"


async def test_nobody_sees_or_unlinks_another_users_identities(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    alice = await signed_in(http, oidc_app, ogql, "alice")
    held = await link_code(http, oidc_app, alice, "bruno")
    await alice.query(COMPLETE, {"code": held.json()["linkCode"]})
    alice_id = (await alice.query("{ viewer { id } }"))["viewer"]["id"]
    target = (await identities(alice))[0]["id"]
    bob = ogql.with_token((await register(ogql, email="bob@example.com"))["accessToken"])

    refused = await bob.execute(UNLINK, {"id": target})
    assert error_code(refused) == "NOT_FOUND"
    assert len(await identities(alice)) == 2
    # An id that is not an identity at all: the same answer.
    assert error_code(await bob.execute(UNLINK, {"id": alice_id})) == "NOT_FOUND"
    theirs = (await bob.query(NODE, {"id": alice_id}))["node"]
    assert theirs is None or theirs["identities"] is None
    assert error_code(await bob.execute(NODE, {"id": target})) == "BAD_USER_INPUT"
    forged = to_base64("Identity", 999_999)
    assert error_code(await bob.execute(UNLINK, {"id": forged})) == "NOT_FOUND"
    anonymous = await ogql.execute(UNLINK, {"id": target})
    assert error_code(anonymous) == "UNAUTHENTICATED"
    assert error_code(await ogql.execute(LINK)) == "UNAUTHENTICATED"


async def test_a_sign_in_session_refreshes_logs_out_and_goes_with_the_account(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    answer = (await sign_in(http, oidc_app, "alice")).json()
    refreshed = (await ogql.query(REFRESH, {"token": answer["refreshToken"]}))["refreshSession"]
    me = ogql.with_token(refreshed["accessToken"])
    assert (await me.query("mutation { logout }"))["logout"] is True
    assert error_code(await me.execute(IDENTITIES)) == "UNAUTHENTICATED"

    again = ogql.with_token((await sign_in(http, oidc_app, "alice")).json()["accessToken"])
    assert (await again.query("mutation { deleteAccount }"))["deleteAccount"] is True
    for model in (User, Identity, AuthSession):
        assert await count(resources, model) == 0
    assert error_code(await again.execute(IDENTITIES)) == "UNAUTHENTICATED"


async def test_a_first_sign_in_while_sign_up_is_off_is_forbidden(
    http: httpx.AsyncClient, oidc_settings: Settings, resources: Resources
) -> None:
    closed = oidc_settings.model_copy(update={"auth_signup_enabled": False})
    async with serve(create_app(closed)) as url:
        answer = await sign_in(http, url, "alice")
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"]["reason"] == "SIGNUP_DISABLED"
    assert await count(resources, User) == 0


async def test_a_user_with_an_identity_may_unlink_spotify(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    me = await signed_in(http, oidc_app, ogql, "alice")
    async with resources.sessionmaker() as db:
        user_id = await db.scalar(select(Identity.user_id))
        assert user_id is not None
        tokens = TokenSet("access", "refresh", utcnow() + HOUR, ("user-read-private",))
        await save_link(db, user_id, {"id": "spotty"}, tokens, settings=resources.settings)
        await db.commit()
    unlinked = await me.query("mutation { unlinkSpotify { spotify { linked } } }")
    assert unlinked["unlinkSpotify"]["spotify"]["linked"] is False


async def test_identity_fields_after_logout_in_the_same_operation_are_unauthenticated(
    http: httpx.AsyncClient, oidc_app: str, ogql: GraphQLClient, resources: Resources
) -> None:
    me = await signed_in(http, oidc_app, ogql, "alice")
    [identity] = await identities(me)
    # (Each in an operation of its own: a failed non-null mutation ends its operation.)
    body = await me.execute(
        "mutation($id: ID!) { logout unlinkIdentity(id: $id) { id } }", {"id": identity["id"]}
    )
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["unlinkIdentity"], "UNAUTHENTICATED")
    ]
    me = await signed_in(http, oidc_app, ogql, "alice")
    body = await me.execute('mutation { logout linkIdentity(provider: "test") }')
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["linkIdentity"], "UNAUTHENTICATED")
    ]
    assert await count(resources, Identity) == 1
    async with resources.sessionmaker() as db:
        linking = await db.scalar(
            select(func.count())
            .select_from(OidcState)
            .where(OidcState.linking_user_id.is_not(None))
        )
    assert linking == 0
