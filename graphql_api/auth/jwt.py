"""Access tokens: short-lived HS256 JWTs signed with a key derived from ``MIXTAPE_SECRET_KEY``.

Validation pins the algorithm to HS256 (so ``alg: none`` and algorithm confusion fail),
requires every claim, checks expiry, issuer and audience, and each claim's type and range.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from graphql_api.errors import Unauthenticated
from graphql_api.kit.ids import MAX_DB_INT
from graphql_api.settings import Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "sid", "exp", "iat", "iss", "aud", "jti")
# A little slack for clocks of several processes that disagree by a second or two.
LEEWAY = dt.timedelta(seconds=5)
# Ids are BIGINT columns (kit.ids.MAX_DB_INT); times must fit a datetime (the last second
# of year 9999).
MAX_TIMESTAMP = 253_402_300_799


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session_id: int
    jti: str
    expires_at: dt.datetime


def signing_key(settings: Settings) -> bytes:
    """A key for this one purpose, derived from the secret key.

    Deriving keeps the JWT key distinct from the encryption key of tokens at rest, and
    always 32 bytes long whatever the length of the configured secret.
    """
    secret = settings.secret_key.get_secret_value().encode()
    return hmac.new(secret, b"mixtape/access-token/v1", hashlib.sha256).digest()


def issue_access_token(
    settings: Settings, *, user_id: int, session_id: int, now: dt.datetime | None = None
) -> tuple[str, dt.datetime]:
    """A signed access token for ``user_id`` in ``session_id``, and when it expires."""
    issued = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    expires = issued + dt.timedelta(seconds=settings.auth_access_token_ttl_s)
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "iat": issued,
        "exp": expires,
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, signing_key(settings), algorithm=ALGORITHM), expires


def verify_access_token(settings: Settings, token: str) -> AccessClaims:
    """The claims of a valid access token; UNAUTHENTICATED for anything else."""
    try:
        claims = jwt.decode(
            token,
            signing_key(settings),
            algorithms=[ALGORITHM],
            audience=settings.auth_audience,
            issuer=settings.auth_issuer,
            leeway=LEEWAY,
            options={"require": list(REQUIRED_CLAIMS), "strict_aud": True},
        )
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated("The access token has expired.", reason="TOKEN_EXPIRED") from error
    except jwt.InvalidTokenError as error:
        raise Unauthenticated("The access token is invalid.", reason="TOKEN_INVALID") from error
    return _checked_claims(claims)


def _checked_claims(claims: dict[str, Any]) -> AccessClaims:
    """The claims in the shapes we issue them, else UNAUTHENTICATED.

    The signature proves the token is ours, but a leaked or mis-configured key, or a bug,
    must still not turn a claim into a 500: ``sid`` of 10**30 overflows the database
    driver, an ``exp`` past year 9999 overflows ``datetime``, and PyJWT accepts floats,
    strings of digits and booleans where we only ever write integers.
    """
    sub, sid, exp, iat, jti = (claims[name] for name in ("sub", "sid", "exp", "iat", "jti"))
    user_id = int(sub) if _is_id_text(sub) else 0
    if not (
        _in_range(user_id, 1, MAX_DB_INT)
        and _in_range(sid, 1, MAX_DB_INT)
        and _in_range(exp, 0, MAX_TIMESTAMP)
        and _in_range(iat, 0, MAX_TIMESTAMP)
        and isinstance(jti, str)
    ):
        raise Unauthenticated("The access token is invalid.", reason="TOKEN_INVALID")
    return AccessClaims(
        user_id=user_id,
        session_id=sid,
        jti=jti,
        expires_at=dt.datetime.fromtimestamp(exp, dt.UTC),
    )


def _is_id_text(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= len(str(MAX_DB_INT))
        and value.isascii()
        and value.isdigit()
    )


def _in_range(value: object, low: int, high: int) -> bool:
    # bool is an int subclass: True is not a session id.
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
