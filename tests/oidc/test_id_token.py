"""ID token checks and the key cache, with tokens signed here (joserfc) and no network."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from graphql_api.oidc.errors import OidcAuthFailed
from graphql_api.oidc.id_token import verify_id_token
from graphql_api.oidc.keys import KeyCache
from graphql_api.oidc.metadata import SIGNING_ALGORITHMS, ProviderMetadata

ISSUER = "https://id.example"
CLIENT = "mixtape"
NONCE = "the-nonce"
METADATA = ProviderMetadata(
    issuer=ISSUER,
    authorization_endpoint=f"{ISSUER}/auth",
    token_endpoint=f"{ISSUER}/token",
    jwks_uri=f"{ISSUER}/jwks",
    signing_algorithms=SIGNING_ALGORITHMS | {"HS256"},  # advertised, refused all the same
)


class FakeJwks:
    """A provider's JWKS endpoint: counts fetches."""

    def __init__(self, *keys: RSAKey) -> None:
        self.keys = list(keys)
        self.fetches = 0

    async def __call__(self) -> Any:
        self.fetches += 1
        return {"keys": [key.as_dict(private=False) for key in self.keys]}


def rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "user-1",
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
        "email": "ada@example.com",
        "name": "Ada",
    } | overrides


def signed(key: RSAKey, **overrides: Any) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims(**overrides), key)


async def verify(token: str, cache: KeyCache) -> Any:
    return await verify_id_token(
        token, metadata=METADATA, keys=cache, client_id=CLIENT, nonce=NONCE, leeway_s=0
    )


def cache_of(jwks: FakeJwks, refetch_min_s: float = 30.0) -> KeyCache:
    return KeyCache(jwks, ttl_s=3600, refetch_min_s=refetch_min_s)


async def test_a_good_token_gives_its_subject_email_and_name() -> None:
    key = rsa_key("k1")
    found = await verify(signed(key), cache_of(FakeJwks(key)))
    assert (found.subject, found.email, found.name) == ("user-1", "ada@example.com", "Ada")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"sub": None}, "ID_TOKEN_INVALID"),
        ({"nonce": None}, "NONCE_MISMATCH"),
        ({"iat": None}, "ID_TOKEN_INVALID"),
        ({"aud": [CLIENT, "other"], "azp": "other"}, "WRONG_AUDIENCE"),
        ({"sub": "x" * 300}, "ID_TOKEN_INVALID"),
    ],
)
async def test_a_token_missing_or_bending_a_claim_is_refused(
    overrides: dict[str, Any], reason: str
) -> None:
    key = rsa_key("k1")
    body = {name: value for name, value in claims(**overrides).items() if value is not None}
    token = jwt.encode({"alg": "RS256", "kid": "k1"}, body, key)
    with pytest.raises(OidcAuthFailed) as refused:
        await verify(token, cache_of(FakeJwks(key)))
    assert refused.value.extensions["reason"] == reason


async def test_a_token_signed_with_the_client_secret_or_unsigned_is_refused() -> None:
    key = rsa_key("k1")
    cache = cache_of(FakeJwks(key))
    hmac_token = jwt.encode({"alg": "HS256", "kid": "k1"}, claims(), OctKey.import_key("s" * 32))
    with pytest.raises(OidcAuthFailed, match="algorithm"):
        await verify(hmac_token, cache)
    _, payload, _ = signed(key).split(".")
    unsigned = f"eyJhbGciOiJub25lIn0.{payload}."  # {"alg":"none"}
    with pytest.raises(OidcAuthFailed, match="algorithm"):
        await verify(unsigned, cache)


async def test_a_forged_signature_is_refused() -> None:
    published, forger = rsa_key("k1"), rsa_key("k1")
    with pytest.raises(OidcAuthFailed, match="signature"):
        await verify(signed(forger), cache_of(FakeJwks(published)))


async def test_an_unknown_key_id_fetches_the_jwks_again_at_most_once_per_interval() -> None:
    old, new = rsa_key("old"), rsa_key("new")
    jwks = FakeJwks(old)
    cache = cache_of(jwks, refetch_min_s=3600)
    await verify(signed(old), cache)
    jwks.keys = [new]  # rotated at the provider, within the interval
    with pytest.raises(OidcAuthFailed) as refused:
        await verify(signed(new), cache)
    assert refused.value.extensions["reason"] == "UNKNOWN_KEY"
    assert jwks.fetches == 1

    eager = cache_of(jwks := FakeJwks(old), refetch_min_s=0)
    await verify(signed(old), eager)
    jwks.keys = [new]
    assert (await verify(signed(new), eager)).subject == "user-1"
    assert jwks.fetches == 2
