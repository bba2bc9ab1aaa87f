"""Local accounts over GraphQL: register, log in, the password policy, failed-login limits."""

from __future__ import annotations

import asyncio
from typing import Any

from graphql_api.settings import Settings
from tests.auth.conftest import LOGIN, PASSWORD, REGISTER, VIEWER, error_code, register
from tests.support.graphql_client import GraphQLClient


async def test_register_logs_in_and_viewer_sees_itself(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    assert ada["user"]["email"] == "ada@example.com"
    viewer = (await gql.with_token(ada["accessToken"]).query(VIEWER))["viewer"]
    assert viewer["id"] == ada["user"]["id"]
    assert viewer["displayName"] == "Ada"
    assert viewer["email"] == "ada@example.com"
    assert viewer["spotify"] == {
        "linked": False,
        "accountId": None,
        "needsRelink": False,
        "scopes": [],
    }


async def test_login_with_the_password(gql: GraphQLClient, ada: dict[str, Any]) -> None:
    data = await gql.query(LOGIN, {"email": "  ADA@example.com ", "password": PASSWORD})
    assert data["login"]["user"]["id"] == ada["user"]["id"]
    assert data["login"]["accessToken"] != ada["accessToken"]


async def test_wrong_password_and_unknown_email_look_alike(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    wrong = await gql.execute(LOGIN, {"email": "ada@example.com", "password": "not it at all"})
    unknown = await gql.execute(LOGIN, {"email": "bob@example.com", "password": PASSWORD})
    assert error_code(wrong) == error_code(unknown) == "UNAUTHENTICATED"
    assert wrong["errors"][0]["message"] == unknown["errors"][0]["message"]


async def test_duplicate_email_is_a_conflict(gql: GraphQLClient, ada: dict[str, Any]) -> None:
    body = await gql.execute(
        REGISTER, {"email": "Ada@Example.com", "password": PASSWORD, "displayName": "Ada 2"}
    )
    assert error_code(body) == "CONFLICT"


async def test_bad_input_is_refused(gql: GraphQLClient) -> None:
    cases = [
        ("not-an-email", PASSWORD, "X"),
        ("a@example.com", "short", "X"),
        ("a@example.com", "password123", "X"),
        ("a@example.com", "a" * 300, "X"),
        ("a@example.com", PASSWORD, "   "),
    ]
    for email, password, name in cases:
        body = await gql.execute(
            REGISTER, {"email": email, "password": password, "displayName": name}
        )
        assert error_code(body) == "BAD_USER_INPUT", (email, password, name)


async def test_failed_logins_are_limited_per_account(
    gql: GraphQLClient, ada: dict[str, Any], settings: Settings
) -> None:
    for _ in range(settings.auth_max_failures_per_account):
        body = await gql.execute(LOGIN, {"email": "ada@example.com", "password": "wrong guess!"})
        assert error_code(body) == "UNAUTHENTICATED"
    # Now even the right password is refused until the window passes.
    body = await gql.execute(LOGIN, {"email": "ada@example.com", "password": PASSWORD})
    assert error_code(body) == "RATE_LIMITED"
    assert body["errors"][0]["extensions"]["scope"] == "account"
    assert body["errors"][0]["extensions"]["retryAfterSeconds"] > 0
    # Another account from the same address is not locked by Ada's failures.
    await register(gql, email="bob@example.com", display_name="Bob")
    assert (await gql.query(LOGIN, {"email": "bob@example.com", "password": PASSWORD}))["login"]


async def test_failed_logins_are_limited_per_address(
    gql: GraphQLClient, ada: dict[str, Any], settings: Settings
) -> None:
    limit = settings.auth_max_failures_per_address
    for i in range(limit):
        # A different account every time: only the address accumulates failures.
        body = await gql.execute(LOGIN, {"email": f"nobody{i}@example.com", "password": "nope!"})
        assert error_code(body) == "UNAUTHENTICATED"
    body = await gql.execute(LOGIN, {"email": "ada@example.com", "password": PASSWORD})
    assert error_code(body) == "RATE_LIMITED"
    assert body["errors"][0]["extensions"]["scope"] == "address"


async def test_an_overlong_email_is_bad_input_not_a_crash(gql: GraphQLClient) -> None:
    body = await gql.execute(LOGIN, {"email": "x" * 1000 + "@example.com", "password": "nope!"})
    assert error_code(body) == "BAD_USER_INPUT"


async def test_concurrent_wrong_passwords_cannot_outrun_the_account_limit(
    gql: GraphQLClient, ada: dict[str, Any], settings: Settings
) -> None:
    # A check-then-record limit lets every guess sent at once pass the check before any
    # failure is recorded; only `limit` guesses may ever reach the password check.
    limit = settings.auth_max_failures_per_account
    bodies = await asyncio.gather(
        *(
            gql.execute(LOGIN, {"email": "ada@example.com", "password": f"wrong guess {i}"})
            for i in range(3 * limit)
        )
    )
    codes = [error_code(body) for body in bodies]
    assert set(codes) <= {"UNAUTHENTICATED", "RATE_LIMITED"}, codes
    checked = codes.count("UNAUTHENTICATED")
    assert checked <= limit, codes
    # Guesses refused under contention were never checked and do not count: one at a time,
    # exactly the rest of the allowance is checked, then the account is locked.
    for _ in range(limit - checked):
        body = await gql.execute(LOGIN, {"email": "ada@example.com", "password": "one more!"})
        assert error_code(body) == "UNAUTHENTICATED"
    body = await gql.execute(LOGIN, {"email": "ada@example.com", "password": PASSWORD})
    assert error_code(body) == "RATE_LIMITED"


async def test_an_address_in_another_unicode_form_is_the_same_account(gql: GraphQLClient) -> None:
    # "Zoë" with a composed ë, then with e + a combining diaeresis: one person, one account.
    await register(gql, email="zo\u00eb@example.com", display_name="Zoe")
    body = await gql.execute(
        REGISTER,
        {"email": "Zoe\u0308@example.com", "password": PASSWORD, "displayName": "Zoe 2"},
    )
    assert error_code(body) == "CONFLICT"
    data = await gql.query(LOGIN, {"email": "ZOE\u0308@EXAMPLE.COM", "password": PASSWORD})
    assert data["login"]["user"]["email"] == "zo\u00eb@example.com"


async def test_fields_after_delete_account_in_the_same_operation_are_unauthenticated(
    gql: GraphQLClient, ada: dict[str, Any]
) -> None:
    me = gql.with_token(ada["accessToken"])
    # Found by tests/fuzz: the poller row of a user deleted a moment before was a foreign
    # key violation, answered as INTERNAL_SERVER_ERROR.
    body = await me.execute(
        "mutation { deleteAccount setNowPlayingPolling(enabled: true) { enabled } }"
    )
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["setNowPlayingPolling"], "UNAUTHENTICATED")
    ]
    assert error_code(await me.execute(VIEWER)) == "UNAUTHENTICATED"
