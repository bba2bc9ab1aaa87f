"""A provider's discovery document (``/.well-known/openid-configuration``), checked by authlib."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from authlib.oidc.discovery import OpenIDProviderMetadata

from graphql_api.oidc.errors import OidcUnavailable

DISCOVERY_PATH = "/.well-known/openid-configuration"

# Asymmetric signatures only: an ID token signed with the client secret (HS256) or not at
# all ("none") is refused whatever the provider advertises.
SIGNING_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


@dataclass(frozen=True)
class ProviderMetadata:
    """What Mixtape uses of a discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    signing_algorithms: frozenset[str]


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


async def get_json(http: httpx.AsyncClient, url: str, *, what: str, timeout_s: float) -> Any:
    """GET ``url`` as JSON; OidcUnavailable when unreachable, not 200 or not JSON."""
    try:
        response = await http.get(url, timeout=timeout_s, headers={"accept": "application/json"})
    except httpx.HTTPError as error:
        raise OidcUnavailable(
            f"The sign-in provider is unreachable ({what}: {type(error).__name__})."
        ) from error
    if response.status_code != 200:
        raise OidcUnavailable(f"The sign-in provider answered {response.status_code} ({what}).")
    try:
        return response.json()
    except ValueError as error:
        raise OidcUnavailable(f"The sign-in provider's {what} is not JSON.") from error


async def fetch_metadata(
    http: httpx.AsyncClient, issuer: str, *, timeout_s: float
) -> ProviderMetadata:
    """The discovery document of ``issuer``, validated (OpenID Connect Discovery 1.0 §4.3:
    its ``issuer`` must be the configured one, exactly)."""
    body = await get_json(
        http, discovery_url(issuer), what="discovery document", timeout_s=timeout_s
    )
    if not isinstance(body, dict):
        raise OidcUnavailable("The sign-in provider's discovery document is not an object.")
    document = OpenIDProviderMetadata(body)
    try:
        document.validate()
    except ValueError as error:
        raise OidcUnavailable(
            f"The sign-in provider's discovery document is invalid: {error}"
        ) from error
    if document["issuer"] != issuer:
        raise OidcUnavailable(
            "The sign-in provider's discovery document names another issuer "
            f"({document['issuer']!r}, configured {issuer!r})."
        )
    advertised = set(document.get("id_token_signing_alg_values_supported") or ())
    return ProviderMetadata(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        signing_algorithms=frozenset(advertised & SIGNING_ALGORITHMS),
    )
