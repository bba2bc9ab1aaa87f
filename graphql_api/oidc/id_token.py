"""Checking an ID token completely (OpenID Connect Core 1.0 §3.1.3.7), with joserfc.

Signature (a key of the provider's JWKS, an asymmetric algorithm it advertises), issuer,
audience, ``azp`` when present (and required with several audiences), expiry and issue
time (with ``MIXTAPE_OIDC_LEEWAY_S``), ``sub``, and the ``nonce`` of this login attempt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)

from graphql_api.oidc.errors import OidcAuthFailed
from graphql_api.oidc.keys import KeyCache
from graphql_api.oidc.metadata import SIGNING_ALGORITHMS, ProviderMetadata

MAX_SUBJECT = 255


@dataclass(frozen=True)
class IdClaims:
    """Who the provider says signed in: ``sub`` is the identity; the rest is informative
    (never used to find an account: an email is not an identity)."""

    subject: str
    email: str | None
    email_verified: bool
    name: str | None


def _header(token: str) -> dict[str, Any]:
    try:
        header = jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError, UnicodeError) as error:
        raise _invalid("The ID token is not a signed JWT.") from error
    return dict(header)


async def verify_id_token(
    token: str,
    *,
    metadata: ProviderMetadata,
    keys: KeyCache,
    client_id: str,
    nonce: str,
    leeway_s: int,
) -> IdClaims:
    """The claims of ``token`` once every check passed; OIDC_AUTH_FAILED otherwise."""
    header = _header(token)
    algorithm = header.get("alg")
    if (
        not isinstance(algorithm, str)
        or algorithm not in metadata.signing_algorithms
        or algorithm not in SIGNING_ALGORITHMS
    ):
        raise _invalid(f"The ID token's algorithm {algorithm!r} is not accepted.")
    kid = header.get("kid")
    key_set = await keys.key_set_with(kid if isinstance(kid, str) else None)
    try:
        decoded = jwt.decode(token, key_set, algorithms=[algorithm])
    except BadSignatureError as error:
        raise _invalid("The ID token's signature does not verify.") from error
    except (JoseError, ValueError, json.JSONDecodeError) as error:
        raise _invalid("The ID token cannot be read.") from error
    claims = decoded.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=leeway_s,
        iss={"essential": True, "value": metadata.issuer},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as error:
        raise OidcAuthFailed("The ID token has expired.", reason="EXPIRED") from error
    except (InvalidClaimError, MissingClaimError) as error:
        raise _claim_error(error.claim) from error
    except (JoseError, ValueError, TypeError) as error:
        raise _invalid("The ID token's claims are malformed.") from error
    _check_azp(claims, client_id)
    return _claims_of(claims)


def _check_azp(claims: dict[str, Any], client_id: str) -> None:
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if azp is None and len(audiences) > 1:
        raise OidcAuthFailed(
            "The ID token has several audiences and no azp.", reason="WRONG_AUDIENCE"
        )
    if azp is not None and azp != client_id:
        raise OidcAuthFailed(
            "The ID token was issued to another client (azp).", reason="WRONG_AUDIENCE"
        )


def _claims_of(claims: dict[str, Any]) -> IdClaims:
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject or len(subject) > MAX_SUBJECT:
        raise _invalid("The ID token's sub is not a usable identifier.")
    email = claims.get("email")
    name = claims.get("name")
    return IdClaims(
        subject=subject,
        email=email if isinstance(email, str) and email else None,
        email_verified=claims.get("email_verified") is True,
        name=name if isinstance(name, str) and name.strip() else None,
    )


def _claim_error(claim: str) -> OidcAuthFailed:
    reasons = {"aud": "WRONG_AUDIENCE", "iss": "WRONG_ISSUER", "nonce": "NONCE_MISMATCH"}
    reason = reasons.get(claim, "ID_TOKEN_INVALID")
    return OidcAuthFailed(f"The ID token's {claim!r} claim is not acceptable.", reason=reason)


def _invalid(message: str) -> OidcAuthFailed:
    return OidcAuthFailed(message, reason="ID_TOKEN_INVALID")
