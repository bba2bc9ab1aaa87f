"""Spotify login and linking through the emulator, over real HTTP, end to end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import func, select

from graphql_api.app import create_app
from graphql_api.db.models import (
    AuthSession,
    LoginAttempt,
    OAuthState,
    SpotifyAccount,
    SpotifyLinkCode,
    User,
)
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from spotify_emulator.testing import EmulatorHandle
from tests.auth.conftest import VIEWER, error_code, register
from tests.auth.spotify_flow import consent, login_with_spotify, query_of, start_login
from tests.support.graphql_client import GraphQLClient
from tests.support.server import serve
from tests.support.spotify import point_at_emulator

FRONTEND = "http://frontend.test/app/"
EXCHANGE = """
mutation($code: String!) {
  exchangeLoginCode(code: $code) { accessToken refreshToken user { id displayName } }
}"""
LINK = "mutation($to: String) { linkSpotify(redirectTo: $to) }"
UNLINK = "mutation { unlinkSpotify { id spotify { linked } } }"
COMPLETE = "mutation($code: String!) { completeSpotifyLink(code: $code) { id spotify { linked } } }"


@pytest.fixture
def auth_settings(settings: Settings, emulator: EmulatorHandle) -> Settings:
    # No configured redirect URI: the callback is this app's own, on its loopback port.
    return point_at_emulator(
        settings,
        emulator,
        spotify_redirect_uri=None,
        auth_redirect_allowlist=[FRONTEND, "http://other.test"],
    )


@pytest.fixture
async def spotify_app(auth_settings: Settings) -> AsyncIterator[str]:
    async with serve(create_app(auth_settings)) as url:
        yield url


@pytest.fixture
def sgql(spotify_app: str, http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(spotify_app, http)


def _reason(body: dict[str, Any]) -> str:
    reason: str = body["errors"][0]["extensions"]["reason"]
    return reason


async def _count(resources: Resources, model: Any) -> int:
    async with resources.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_new_then_returning_user(
    http: httpx.AsyncClient, spotify_app: str, sgql: GraphQLClient, resources: Resources
) -> None:
    first = await login_with_spotify(http, spotify_app, "alice")
    assert first.status_code == 200, first.text
    session = first.json()
    assert set(session) == {"accessToken", "refreshToken", "expiresAt", "user"}
    viewer = (await sgql.with_token(session["accessToken"]).query(VIEWER))["viewer"]
    assert viewer["id"] == session["user"]["id"]
    assert viewer["displayName"] == "Alice"
    assert viewer["email"] is None
    assert viewer["spotify"]["linked"] is True
    assert viewer["spotify"]["accountId"] == "alice"
    assert viewer["spotify"]["needsRelink"] is False
    assert "user-library-read" in viewer["spotify"]["scopes"]

    again = await login_with_spotify(http, spotify_app, "alice")
    assert again.status_code == 200, again.text
    assert again.json()["user"]["id"] == session["user"]["id"]
    assert await _count(resources, User) == 1
    assert await _count(resources, SpotifyAccount) == 1
    # Each login is its own session.
    assert await _count(resources, AuthSession) == 2


async def test_frontend_login_gets_a_one_time_code(
    http: httpx.AsyncClient, spotify_app: str, sgql: GraphQLClient
) -> None:
    answer = await login_with_spotify(http, spotify_app, "bruno", redirect_to=FRONTEND + "done")
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(FRONTEND + "done?")
    params = query_of(location)
    assert set(params) == {"login_code"}  # no token travels in the URL
    data = await sgql.query(EXCHANGE, {"code": params["login_code"]})
    assert data["exchangeLoginCode"]["user"]["displayName"] == "Bruno"
    replay = await sgql.execute(EXCHANGE, {"code": params["login_code"]})
    assert error_code(replay) == "UNAUTHENTICATED"
    assert error_code(await sgql.execute(EXCHANGE, {"code": "made-up"})) == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "target",
    [
        "http://evil.test/",
        "http://frontend.test.evil.test/app/",
        "http://frontend.test/elsewhere",
        "https://frontend.test/app/",
        "javascript:alert(1)",
        "/relative",
    ],
)
async def test_redirect_to_must_be_allowed(
    http: httpx.AsyncClient, spotify_app: str, target: str
) -> None:
    response = await start_login(http, spotify_app, target)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_USER_INPUT"


async def test_any_path_of_an_allowed_origin(http: httpx.AsyncClient, spotify_app: str) -> None:
    response = await start_login(http, spotify_app, "http://other.test/anything?x=1")
    assert response.status_code == 302


async def test_replayed_and_unknown_state_are_refused(
    http: httpx.AsyncClient, spotify_app: str
) -> None:
    started = await start_login(http, spotify_app)
    callback = await consent(http, started.headers["location"], "alice")
    assert (await http.get(callback)).status_code == 200
    replay = await http.get(callback)
    assert replay.status_code == 400
    assert replay.json()["error"]["code"] == "BAD_USER_INPUT"
    forged = await http.get(f"{spotify_app}/auth/spotify/callback?code=x&state=forged")
    assert forged.status_code == 400
    missing = await http.get(f"{spotify_app}/auth/spotify/callback?code=x")
    assert missing.status_code == 400


async def test_denied_consent_ends_in_a_clear_message(
    http: httpx.AsyncClient, spotify_app: str, resources: Resources
) -> None:
    answer = await login_with_spotify(http, spotify_app, "alice", deny=True)
    assert answer.status_code == 403
    assert answer.json()["error"]["reason"] == "access_denied"
    to_frontend = await login_with_spotify(
        http, spotify_app, "alice", redirect_to=FRONTEND, deny=True
    )
    assert to_frontend.status_code == 302
    assert query_of(to_frontend.headers["location"])["error"] == "FORBIDDEN"
    assert await _count(resources, User) == 0


async def test_code_spotify_refuses_is_not_a_500(http: httpx.AsyncClient, spotify_app: str) -> None:
    started = await start_login(http, spotify_app)
    callback = await consent(http, started.headers["location"], "alice")
    state = query_of(callback)["state"]
    response = await http.get(f"{spotify_app}/auth/spotify/callback?code=bogus&state={state}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SPOTIFY_AUTH_FAILED"


async def test_local_account_links_and_unlinks_spotify(
    http: httpx.AsyncClient, spotify_app: str, sgql: GraphQLClient, resources: Resources
) -> None:
    ada = await register(sgql)
    me = sgql.with_token(ada["accessToken"])
    url = (await me.query(LINK))["linkSpotify"]
    assert "show_dialog=true" in url  # a link never completes without the consent page
    callback = await consent(http, url, "alice")
    held = await http.get(callback)
    assert held.status_code == 200, held.text
    assert set(held.json()) == {"linkCode", "expiresAt"}
    # The callback alone links nothing: the account that asked completes it.
    assert await _count(resources, SpotifyAccount) == 0
    completed = await me.query(COMPLETE, {"code": held.json()["linkCode"]})
    assert completed["completeSpotifyLink"]["id"] == ada["user"]["id"]
    assert completed["completeSpotifyLink"]["spotify"] == {"linked": True}
    viewer = (await me.query(VIEWER))["viewer"]
    assert viewer["email"] == "ada@example.com"
    assert viewer["spotify"]["accountId"] == "alice"
    # Logging in with that Spotify account now reaches Ada's account.
    via_spotify = await login_with_spotify(http, spotify_app, "alice")
    assert via_spotify.json()["user"]["id"] == ada["user"]["id"]
    assert await _count(resources, User) == 1

    # One Spotify account belongs to one Mixtape user.
    bob = sgql.with_token((await register(sgql, "bob@example.com", "Bob"))["accessToken"])
    conflict = await http.get(await consent(http, (await bob.query(LINK))["linkSpotify"], "alice"))
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "CONFLICT"

    unlinked = (await me.query(UNLINK))["unlinkSpotify"]
    assert unlinked["spotify"] == {"linked": False}
    assert await _count(resources, SpotifyAccount) == 0


async def test_link_redirects_back_to_the_frontend_with_a_link_code(
    http: httpx.AsyncClient, spotify_app: str, sgql: GraphQLClient
) -> None:
    me = sgql.with_token((await register(sgql))["accessToken"])
    url = (await me.query(LINK, {"to": FRONTEND}))["linkSpotify"]
    answer = await http.get(await consent(http, url, "bruno"))
    assert answer.status_code == 302
    params = query_of(answer.headers["location"])
    assert set(params) == {"link_code"}  # no Spotify token travels in the URL
    done = await me.query(COMPLETE, {"code": params["link_code"]})
    assert done["completeSpotifyLink"]["spotify"] == {"linked": True}
    assert error_code(await me.execute(LINK, {"to": "http://evil.test/"})) == "BAD_USER_INPUT"
    assert error_code(await sgql.execute(LINK)) == "UNAUTHENTICATED"
    assert error_code(await sgql.execute(COMPLETE, {"code": params["link_code"]})) == (
        "UNAUTHENTICATED"
    )


async def test_a_link_url_sent_to_a_victim_does_not_link_the_victims_spotify_to_the_sender(
    http: httpx.AsyncClient, spotify_app: str, sgql: GraphQLClient, resources: Resources
) -> None:
    attacker = sgql.with_token((await register(sgql, "mallory@example.com", "M"))["accessToken"])
    victim = sgql.with_token((await register(sgql, "victim@example.com", "V"))["accessToken"])
    url = (await attacker.query(LINK))["linkSpotify"]
    # The victim opens the attacker's URL and consents as their own Spotify user.
    held = await http.get(await consent(http, url, "alice"))
    assert held.status_code == 200, held.text
    code = held.json()["linkCode"]
    assert (await attacker.query(VIEWER))["viewer"]["spotify"]["linked"] is False
    # The attacker cannot finish with a code of its own making ...
    made_up = await attacker.execute(COMPLETE, {"code": "made-up"})
    assert _reason(made_up) == "LINK_CODE_INVALID"
    # ... the victim's app, presenting the code the victim's browser got, is told what a
    # made-up code is told, and burns the code ...
    by_victim = await victim.execute(COMPLETE, {"code": code})
    assert _reason(by_victim) == "LINK_CODE_INVALID"
    assert by_victim["errors"][0]["message"] == made_up["errors"][0]["message"]
    # ... so even a code that reaches the attacker afterwards links nothing.
    assert _reason(await attacker.execute(COMPLETE, {"code": code})) == "LINK_CODE_USED"
    assert (await attacker.query(VIEWER))["viewer"]["spotify"]["linked"] is False
    assert (await victim.query(VIEWER))["viewer"]["spotify"]["linked"] is False
    assert await _count(resources, SpotifyAccount) == 0
    async with resources.sessionmaker() as session:
        held_tokens = await session.scalars(select(SpotifyLinkCode.identity_encrypted))
        assert list(held_tokens) == [None]  # the victim's Spotify tokens are gone


async def test_a_link_code_is_spent_once_and_expires(
    http: httpx.AsyncClient, sgql: GraphQLClient, auth_settings: Settings, spotify_app: str
) -> None:
    me = sgql.with_token((await register(sgql))["accessToken"])
    code = await http.get(await consent(http, (await me.query(LINK))["linkSpotify"], "alice"))
    code_value = code.json()["linkCode"]
    assert (await me.query(COMPLETE, {"code": code_value}))["completeSpotifyLink"]
    replay = await me.execute(COMPLETE, {"code": code_value})
    assert error_code(replay) == "BAD_USER_INPUT"
    assert _reason(replay) == "LINK_CODE_USED"

    # Born expired: expiry is checked without waiting for it.
    stale = auth_settings.model_copy(update={"auth_link_code_ttl_s": -60})
    async with serve(create_app(stale)) as url:
        late = GraphQLClient(url, http).with_token(me.token)
        held = await http.get(await consent(http, (await late.query(LINK))["linkSpotify"], "bruno"))
        expired = await late.execute(COMPLETE, {"code": held.json()["linkCode"]})
    assert error_code(expired) == "BAD_USER_INPUT"
    assert _reason(expired) == "LINK_CODE_EXPIRED"
    assert (await me.query(VIEWER))["viewer"]["spotify"]["accountId"] == "alice"


async def test_spotify_only_account_cannot_unlink_but_can_delete(
    http: httpx.AsyncClient, spotify_app: str, sgql: GraphQLClient, resources: Resources
) -> None:
    session = (await login_with_spotify(http, spotify_app, "alice")).json()
    me = sgql.with_token(session["accessToken"])
    assert error_code(await me.execute(UNLINK)) == "FORBIDDEN"
    assert (await me.query("mutation { deleteAccount }"))["deleteAccount"] is True
    for model in (User, SpotifyAccount, AuthSession):
        assert await _count(resources, model) == 0
    assert error_code(await me.execute(VIEWER)) == "UNAUTHENTICATED"


async def test_concurrent_exchanges_of_one_code_let_exactly_one_through(
    http: httpx.AsyncClient, spotify_app: str, sgql: GraphQLClient
) -> None:
    answer = await login_with_spotify(http, spotify_app, "alice", redirect_to=FRONTEND)
    code = query_of(answer.headers["location"])["login_code"]
    bodies = await asyncio.gather(*(sgql.execute(EXCHANGE, {"code": code}) for _ in range(4)))
    assert len([body for body in bodies if not body.get("errors")]) == 1, bodies


async def test_expired_login_code_and_state_are_refused(
    http: httpx.AsyncClient, auth_settings: Settings
) -> None:
    # Born expired: expiry is checked without waiting for it.
    stale = auth_settings.model_copy(update={"auth_login_code_ttl_s": -60})
    async with serve(create_app(stale)) as url:
        answer = await login_with_spotify(http, url, "alice", redirect_to=FRONTEND)
        code = query_of(answer.headers["location"])["login_code"]
        body = await GraphQLClient(url, http).execute(EXCHANGE, {"code": code})
    assert error_code(body) == "UNAUTHENTICATED"
    assert body["errors"][0]["extensions"]["reason"] == "LOGIN_CODE_INVALID"

    stale = auth_settings.model_copy(update={"auth_oauth_state_ttl_s": -60})
    async with serve(create_app(stale)) as url:
        answer = await login_with_spotify(http, url, "alice")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "BAD_USER_INPUT"


async def test_two_first_logins_of_one_spotify_account_at_once_log_into_one_user(
    http: httpx.AsyncClient, spotify_app: str, sgql: GraphQLClient, resources: Resources
) -> None:
    for spotify_user in ("alice", "bruno"):
        # Both consent first, then both callbacks arrive together.
        callbacks = []
        for _ in range(2):
            started = await start_login(http, spotify_app)
            callbacks.append(await consent(http, started.headers["location"], spotify_user))
        answers = await asyncio.gather(*(http.get(callback) for callback in callbacks))
        assert [answer.status_code for answer in answers] == [200, 200], [
            answer.text for answer in answers
        ]
        users = {answer.json()["user"]["id"] for answer in answers}
        assert len(users) == 1
        viewer = (await sgql.with_token(answers[1].json()["accessToken"]).query(VIEWER))["viewer"]
        assert viewer["spotify"]["accountId"] == spotify_user
    assert await _count(resources, User) == 2
    assert await _count(resources, SpotifyAccount) == 2


async def test_the_call_after_the_limit_of_login_starts_from_one_address_is_a_429(
    http: httpx.AsyncClient, auth_settings: Settings, resources: Resources
) -> None:
    limited = auth_settings.model_copy(update={"auth_login_starts_per_address": 3})
    async with serve(create_app(limited)) as url:
        admitted = [await start_login(http, url) for _ in range(3)]
        refused = await start_login(http, url)
    assert [answer.status_code for answer in admitted] == [302, 302, 302]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert refused.json()["error"]["scope"] == "address"
    assert 1 <= int(refused.headers["retry-after"]) <= limited.auth_login_starts_window_s
    # The refused call stored nothing: three states, three counted starts.
    assert await _count(resources, OAuthState) == 3
    assert await _count(resources, LoginAttempt) == 3


async def test_login_starts_sent_at_once_never_pass_the_limit_together(
    http: httpx.AsyncClient, auth_settings: Settings, resources: Resources
) -> None:
    limited = auth_settings.model_copy(update={"auth_login_starts_per_address": 3})
    async with serve(create_app(limited)) as url:
        answers = await asyncio.gather(*(start_login(http, url) for _ in range(8)))
    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) <= {302, 429}
    # Each counts every start committed before it, its own included: never more than the
    # limit get through (under such a burst, fewer may, even none: see rate_limit.py).
    admitted = statuses.count(302)
    assert admitted <= 3, statuses
    assert await _count(resources, OAuthState) == admitted


@pytest.mark.redis
async def test_a_link_started_on_one_api_process_and_called_back_on_another_completes_once(
    http: httpx.AsyncClient, auth_settings: Settings, redis_url: str, resources: Resources
) -> None:
    production_shape = auth_settings.model_copy(update={"redis_url": redis_url})
    async with (
        serve(create_app(production_shape)) as first,
        serve(create_app(production_shape)) as second,
    ):
        on_first = GraphQLClient(first, http)
        me = on_first.with_token((await register(on_first))["accessToken"])
        other = GraphQLClient(second, http).with_token(
            (await register(on_first, "eve@example.com", "Eve"))["accessToken"]
        )
        url = (await me.query(LINK))["linkSpotify"]
        callback = urlsplit(await consent(http, url, "alice"))
        held = await http.get(f"{second}{callback.path}?{callback.query}")
        code = held.json()["linkCode"]
        answers = await asyncio.gather(
            me.execute(COMPLETE, {"code": code}),
            GraphQLClient(second, http).with_token(me.token).execute(COMPLETE, {"code": code}),
        )
        assert sorted(bool(answer.get("errors")) for answer in answers) == [False, True]
        assert _reason(await other.execute(COMPLETE, {"code": code})) == "LINK_CODE_INVALID"
        viewer = (await me.query(VIEWER))["viewer"]
    assert viewer["spotify"]["accountId"] == "alice"
    assert await _count(resources, SpotifyAccount) == 1
