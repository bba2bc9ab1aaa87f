"""Guest tokens: HS256 JWTs that name one participant of one room, and nothing else.

Signed with a key of their own (derived from the secret key for this purpose), with an
audience of their own: an access token is no guest token and a guest token no access token.
The signature only says who the bearer is; every use also checks the participant in the
database (not kicked, not gone, the room still open), so a kick ends the token at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

import jwt

from graphql_api.errors import Unauthenticated
from graphql_api.kit.ids import MAX_DB_INT
from graphql_api.settings import Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("pid", "rid", "exp", "iat", "iss", "aud")
LEEWAY = dt.timedelta(seconds=5)


@dataclass(frozen=True)
class GuestClaims:
    participant_id: int
    room_id: int


def _key(settings: Settings) -> bytes:
    secret = settings.secret_key.get_secret_value().encode()
    return hmac.new(secret, b"mixtape/room-guest-token/v1", hashlib.sha256).digest()


def _audience(settings: Settings) -> str:
    return f"{settings.auth_audience}:room-guest"


def issue(settings: Settings, *, participant_id: int, room_id: int) -> str:
    """A guest token for ``participant_id`` in ``room_id``."""
    issued = dt.datetime.now(dt.UTC).replace(microsecond=0)
    claims = {
        "pid": participant_id,
        "rid": room_id,
        "iat": issued,
        "exp": issued + dt.timedelta(seconds=settings.room_guest_token_ttl_s),
        "iss": settings.auth_issuer,
        "aud": _audience(settings),
    }
    return jwt.encode(claims, _key(settings), algorithm=ALGORITHM)


def verify(settings: Settings, token: str) -> GuestClaims:
    """The claims of a valid guest token; UNAUTHENTICATED (``GUEST_TOKEN_INVALID``) else."""
    try:
        claims = jwt.decode(
            token,
            _key(settings),
            algorithms=[ALGORITHM],
            audience=_audience(settings),
            issuer=settings.auth_issuer,
            leeway=LEEWAY,
            options={"require": list(REQUIRED_CLAIMS), "strict_aud": True},
        )
    except jwt.InvalidTokenError as error:
        raise Unauthenticated(
            "The guest token is invalid or has expired.", reason="GUEST_TOKEN_INVALID"
        ) from error
    pid, rid = claims["pid"], claims["rid"]
    if not (_is_id(pid) and _is_id(rid)):
        raise Unauthenticated("The guest token is invalid.", reason="GUEST_TOKEN_INVALID")
    return GuestClaims(participant_id=pid, room_id=rid)


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_DB_INT
