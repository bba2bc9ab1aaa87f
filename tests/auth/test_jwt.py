"""Access tokens: what is accepted, and every way a forged or stale token is refused."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import httpx
import jwt
import pytest
from pydantic import SecretStr
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from graphql_api.auth.jwt import issue_access_token, signing_key, verify_access_token
from graphql_api.errors import Unauthenticated
from graphql_api.settings import Settings
from tests.auth.conftest import VIEWER, error_code
from tests.support.graphql_client import GraphQLClient

SETTINGS = Settings(database_url="sqlite+aiosqlite:///:memory:")


def _now() -> dt.datetime:
    # Taken when a token is made, not when the module loads: a long test run (xdist) may
    # reach these tests many minutes after import.
    return dt.datetime.now(dt.UTC)


def _claims(**overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": "7",
        "sid": 3,
        "iat": _now(),
        "exp": _now() + dt.timedelta(minutes=15),
        "iss": SETTINGS.auth_issuer,
        "aud": SETTINGS.auth_audience,
        "jti": "abc",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(claims: dict[str, Any], key: bytes | None = None) -> str:
    return jwt.encode(claims, key or signing_key(SETTINGS), algorithm="HS256")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_issued_token_verifies() -> None:
    issued = _now()
    token, expires = issue_access_token(SETTINGS, user_id=7, session_id=3)
    claims = verify_access_token(SETTINGS, token)
    assert (claims.user_id, claims.session_id) == (7, 3)
    assert claims.expires_at == expires
    # About fifteen minutes, as configured.
    assert dt.timedelta(minutes=14) < expires - issued <= dt.timedelta(minutes=16)
    assert verify_access_token(SETTINGS, _sign(_claims())).user_id == 7


def _numeric(claims: dict[str, Any]) -> dict[str, Any]:
    return {k: int(v.timestamp()) if isinstance(v, dt.datetime) else v for k, v in claims.items()}


def _alg_none() -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_numeric(_claims()))}."


def _tampered() -> str:
    header, _payload, signature = _sign(_claims()).split(".")
    return f"{header}.{_b64(_numeric(_claims(sub='1')))}.{signature}"


def _other_key() -> str:
    other = SETTINGS.model_copy(update={"secret_key": SecretStr("another-secret-" * 4)})
    return _sign(_claims(), signing_key(other))


def _hs512() -> str:
    return jwt.encode(_claims(), signing_key(SETTINGS) * 2, algorithm="HS512")


REJECTED = {
    "alg none": _alg_none,
    "other key": _other_key,
    "tampered payload": _tampered,
    "other algorithm": _hs512,
    "expired": lambda: _sign(_claims(exp=_now() - dt.timedelta(minutes=1))),
    "wrong audience": lambda: _sign(_claims(aud="someone-else")),
    "audience list": lambda: _sign(_claims(aud=[SETTINGS.auth_audience, "x"])),
    "wrong issuer": lambda: _sign(_claims(iss="evil")),
    "no jti": lambda: _sign(_claims(jti=None)),
    "no exp": lambda: _sign(_claims(exp=None)),
    "no iat": lambda: _sign(_claims(iat=None)),
    "no session": lambda: _sign(_claims(sid=None)),
    "no subject": lambda: _sign(_claims(sub=None)),
    "no issuer": lambda: _sign(_claims(iss=None)),
    "no audience": lambda: _sign(_claims(aud=None)),
    "issued in the future": lambda: _sign(_claims(iat=_now() + dt.timedelta(minutes=5))),
    "non-numeric subject": lambda: _sign(_claims(sub="admin")),
    "garbage": lambda: "not.a.jwt",
}

# Signed with the real key, but a claim is out of range or not of the type we issue:
# each used to reach the database driver or datetime and end as a 500.
OUT_OF_RANGE = {
    "huge session": lambda: _sign(_claims(sid=10**30)),
    "negative session": lambda: _sign(_claims(sid=-1)),
    "session zero": lambda: _sign(_claims(sid=0)),
    "float session": lambda: _sign(_claims(sid=3.5)),
    "string session": lambda: _sign(_claims(sid="3")),
    "boolean session": lambda: _sign(_claims(sid=True)),
    "infinite session": lambda: _sign_raw(_numeric(_claims()), sid="Infinity"),
    "huge subject": lambda: _sign(_claims(sub="9" * 30)),
    "negative subject": lambda: _sign(_claims(sub="-7")),
    "huge expiry": lambda: _sign(_claims(exp=10**30)),
    "huge float expiry": lambda: _sign(_claims(exp=1e300)),
    "float expiry": lambda: _sign(_claims(exp=_now().timestamp() + 900.5)),
    "string expiry": lambda: _sign(_claims(exp=str(int(_now().timestamp()) + 900))),
    "expiry of 5,000 digits": lambda: _sign_raw(_numeric(_claims()), exp="9" * 5000),
    "infinite expiry": lambda: _sign_raw(_numeric(_claims()), exp="Infinity"),
    "negative issued at": lambda: _sign(_claims(iat=-(10**30))),
}


def _sign_raw(claims: dict[str, Any], **raw: str) -> str:
    """A token signed with the real key whose claims ``raw`` are written verbatim (JSON
    that json.dumps never writes: Infinity, numbers beyond Python's int parsing limit)."""
    payload = json.dumps({**claims, **{name: f"<{name}>" for name in raw}})
    for name, text in raw.items():
        payload = payload.replace(f'"<{name}>"', text)
    header = _b64({"alg": "HS256", "typ": "JWT"})
    body = base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()
    signature = hmac.new(signing_key(SETTINGS), f"{header}.{body}".encode(), hashlib.sha256)
    return f"{header}.{body}.{base64.urlsafe_b64encode(signature.digest()).rstrip(b'=').decode()}"


@pytest.mark.parametrize("case", list(REJECTED))
def test_rejected(case: str) -> None:
    with pytest.raises(Unauthenticated):
        verify_access_token(SETTINGS, REJECTED[case]())


@pytest.mark.parametrize("case", list(OUT_OF_RANGE))
def test_a_claim_out_of_range_is_unauthenticated(case: str) -> None:
    with pytest.raises(Unauthenticated) as refused:
        verify_access_token(SETTINGS, OUT_OF_RANGE[case]())
    assert refused.value.extensions == {"reason": "TOKEN_INVALID"}


async def test_claims_out_of_range_are_401_over_http_and_4403_over_websockets(
    app_url: str, http: httpx.AsyncClient
) -> None:
    url = app_url.replace("http", "ws", 1) + "/graphql"
    for case in ("huge session", "huge expiry", "infinite session", "float session"):
        token = OUT_OF_RANGE[case]()
        response = await http.post(
            f"{app_url}/graphql",
            json={"query": VIEWER},
            headers={"authorization": f"Bearer {token}"},
        )
        assert response.status_code == 401, (case, response.text)
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            await ws.send(json.dumps(init))
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403, case


async def test_bad_tokens_over_http_are_unauthenticated_not_anonymous(
    gql: GraphQLClient, app_url: str, http: httpx.AsyncClient
) -> None:
    for token in (_alg_none(), _other_key(), _tampered(), "garbage"):
        body = await gql.with_token(token).execute(VIEWER)
        assert error_code(body) == "UNAUTHENTICATED"
    response = await http.post(
        f"{app_url}/graphql", json={"query": VIEWER}, headers={"authorization": "Basic abc"}
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_valid_token_of_an_unknown_session_is_refused(gql: GraphQLClient) -> None:
    # Signed with the right key, but no session 3 exists in this database.
    body = await gql.with_token(_sign(_claims())).execute(VIEWER)
    assert error_code(body) == "UNAUTHENTICATED"
