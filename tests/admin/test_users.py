"""``mixtape admin users …`` and ``sessions revoke`` end to end, on each backend."""

from __future__ import annotations

import json

import pytest
from strawberry.relay import from_base64

from graphql_api.auth.admin import disable_user
from graphql_api.auth.local import prepare_account, register
from graphql_api.auth.sessions import active_session_user, start_session
from graphql_api.db.models import AuthSession, User
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import Forbidden
from graphql_api.resources import Resources
from tests.admin.conftest import Admin
from tests.support.graphql_client import GraphQLClient

PASSWORD = "correct horse battery"


def a_user_with_sessions(admin: Admin, email: str, sessions: int = 2) -> tuple[int, list[int]]:
    async def create(resources: Resources) -> tuple[int, list[int]]:
        account = await prepare_account(
            resources.settings, email=email, password=PASSWORD, display_name="Ada"
        )
        async with resources.sessionmaker() as session:
            issued = [await register(session, resources.settings, account)]
            for _ in range(sessions - 1):
                issued.append(
                    await start_session(
                        session, resources.settings, user_id=issued[0].user_id, method="password"
                    )
                )
            await session.commit()
        return issued[0].user_id, [one.session_id for one in issued]

    return admin.db(create)


def open_sessions(admin: Admin, session_ids: list[int]) -> int:
    async def count(resources: Resources) -> int:
        async with resources.sessionmaker() as session:
            users = [await active_session_user(session, one) for one in session_ids]
        return sum(user is not None for user in users)

    return admin.db(count)


def test_users_list_and_show_name_the_users_and_never_a_password_hash(admin: Admin) -> None:
    ada, _ = a_user_with_sessions(admin, "ada@example.com")
    bob, _ = a_user_with_sessions(admin, "bob@example.com", sessions=1)
    listed = admin("users", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert [line.split("\t")[0] for line in lines] == [str(ada), str(bob)]
    assert "ada@example.com" in lines[0]
    assert "2 session(s)" in lines[0]
    shown = admin("users", "show", "bob@example.com")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["id"] == bob
    assert "argon2" not in listed.output + shown.output
    assert json.loads(admin("users", "list", "--json", "--after", str(ada)).output)[0]["id"] == bob


def test_users_show_of_nobody_says_so(admin: Admin) -> None:
    result = admin("users", "show", "nobody@example.com")
    assert result.exit_code == 1
    assert "No user 'nobody@example.com'" in result.output


def test_disable_dry_run_changes_nothing(admin: Admin) -> None:
    ada, sessions = a_user_with_sessions(admin, "ada@example.com")
    result = admin("users", "disable", "ada@example.com", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"[dry run] would have: disabled user {ada}; ended 2")
    assert open_sessions(admin, sessions) == 2


def test_disable_ends_every_session_and_refuses_new_ones_until_enabled(admin: Admin) -> None:
    ada, sessions = a_user_with_sessions(admin, "ada@example.com")
    result = admin("users", "disable", str(ada))
    assert result.exit_code == 0, result.output
    assert "ended 2 session(s)" in result.output
    assert open_sessions(admin, sessions) == 0

    async def log_in(resources: Resources) -> None:
        async with resources.sessionmaker() as session:
            await start_session(session, resources.settings, user_id=ada, method="password")

    with pytest.raises(Forbidden) as refused:
        admin.db(log_in)
    assert refused.value.extensions["reason"] == "ACCOUNT_DISABLED"
    assert admin("users", "enable", str(ada)).exit_code == 0
    admin.db(log_in)


def test_sessions_revoke_ends_only_that_users_sessions(admin: Admin) -> None:
    _, ada_sessions = a_user_with_sessions(admin, "ada@example.com")
    _, bob_sessions = a_user_with_sessions(admin, "bob@example.com")
    dry = admin("sessions", "revoke", "--user", "ada@example.com", "--dry-run")
    assert "would have: ended 2 session(s)" in dry.output
    assert open_sessions(admin, ada_sessions) == 2
    result = admin("sessions", "revoke", "--user", "ada@example.com")
    assert result.exit_code == 0, result.output
    assert "ended 2 session(s)" in result.output
    assert open_sessions(admin, ada_sessions) == 0
    assert open_sessions(admin, bob_sessions) == 2


def test_delete_removes_the_user_and_their_sessions_and_dry_run_keeps_them(admin: Admin) -> None:
    ada, _ = a_user_with_sessions(admin, "ada@example.com")
    assert admin("users", "delete", str(ada), "--dry-run").exit_code == 0

    async def rows(resources: Resources) -> tuple[bool, int]:
        from sqlalchemy import func, select

        async with resources.sessionmaker() as session:
            user = await session.get(User, ada)
            count = await session.scalar(
                select(func.count()).select_from(AuthSession).where(AuthSession.user_id == ada)
            )
        return user is not None, int(count or 0)

    assert admin.db(rows) == (True, 2)
    refused = admin("users", "delete", str(ada), input="n\n")
    assert refused.exit_code == 1  # not confirmed
    assert admin("users", "delete", str(ada), "--yes").exit_code == 0
    assert admin.db(rows) == (False, 0)


async def test_a_disabled_user_logging_in_over_graphql_is_forbidden(
    gql: GraphQLClient, resources: Resources
) -> None:
    from tests.auth.conftest import LOGIN, REGISTER

    ada = {"email": "ada@example.com", "password": PASSWORD}
    registered = (await gql.query(REGISTER, {**ada, "displayName": "Ada"}))["register"]
    user_id = int(from_base64(registered["user"]["id"])[1])
    async with unit_of_work(resources.sessionmaker) as uow:
        await disable_user(uow, resources.pubsub, user_id)
    answer = await gql.execute(LOGIN, ada)
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert answer["errors"][0]["extensions"]["reason"] == "ACCOUNT_DISABLED"
    viewer = await gql.with_token(registered["accessToken"]).execute("{ viewer { id } }")
    assert viewer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
