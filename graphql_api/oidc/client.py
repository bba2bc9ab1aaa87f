"""One OpenID provider as a process sees it: discovery and keys cached, the authorization
request built and the code exchanged with authlib's helpers, the ID token checked.

Every call goes through the process's one ``httpx.AsyncClient``. Nothing here stores
anything: the login attempt (state, nonce, PKCE verifier) is the auth domain's.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.auth import encode_client_secret_basic
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from graphql_api.oidc.errors import OidcAuthFailed, OidcUnavailable
from graphql_api.oidc.id_token import IdClaims, verify_id_token
from graphql_api.oidc.keys import KeyCache
from graphql_api.oidc.metadata import ProviderMetadata, fetch_metadata, get_json
from graphql_api.settings import OidcProviderSettings, Settings


def new_secret() -> str:
    """An unguessable value for ``state``, ``nonce`` or a PKCE verifier (authlib's)."""
    token: str = generate_token(48)
    return token


class OidcClient:
    """Mixtape as the relying party of one provider."""

    def __init__(
        self, http: httpx.AsyncClient, settings: Settings, provider: OidcProviderSettings
    ) -> None:
        self.provider = provider
        self._http = http
        self._settings = settings
        self._metadata: ProviderMetadata | None = None
        self._metadata_at = 0.0
        self._lock = asyncio.Lock()
        self.keys = KeyCache(
            self._fetch_jwks,
            ttl_s=settings.oidc_metadata_ttl_s,
            refetch_min_s=settings.oidc_jwks_refetch_min_s,
        )

    @property
    def name(self) -> str:
        return self.provider.name

    async def metadata(self) -> ProviderMetadata:
        """The provider's discovery document, cached ``MIXTAPE_OIDC_METADATA_TTL_S``."""
        async with self._lock:
            now = time.monotonic()
            if (
                self._metadata is None
                or now - self._metadata_at >= self._settings.oidc_metadata_ttl_s
            ):
                self._metadata = await fetch_metadata(
                    self._http, self.provider.issuer, timeout_s=self._settings.oidc_timeout_s
                )
                self._metadata_at = now
            return self._metadata

    async def authorize_url(
        self,
        *,
        state: str,
        nonce: str,
        code_verifier: str,
        redirect_uri: str,
        prompt: str | None = None,
    ) -> str:
        """Where to send the browser: the authorization code flow with PKCE (S256)."""
        metadata = await self.metadata()
        extra: dict[str, str] = {}
        if prompt is not None:
            extra["prompt"] = prompt
        url: str = prepare_grant_uri(
            metadata.authorization_endpoint,
            self.provider.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=" ".join(self.provider.scopes),
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
            **extra,
        )
        return url

    async def sign_in(
        self, *, code: str, code_verifier: str, redirect_uri: str, nonce: str
    ) -> IdClaims:
        """Exchange ``code`` and check the ID token that comes back."""
        metadata = await self.metadata()
        id_token = await self._exchange(metadata, code, code_verifier, redirect_uri)
        return await verify_id_token(
            id_token,
            metadata=metadata,
            keys=self.keys,
            client_id=self.provider.client_id,
            nonce=nonce,
            leeway_s=self._settings.oidc_leeway_s,
        )

    async def _exchange(
        self, metadata: ProviderMetadata, code: str, code_verifier: str, redirect_uri: str
    ) -> str:
        secret = self.provider.client_secret.get_secret_value()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        headers = {
            "authorization": basic_authorization(self.provider.client_id, secret),
            "accept": "application/json",
        }
        try:
            response = await self._http.post(
                metadata.token_endpoint,
                data=form,
                headers=headers,
                timeout=self._settings.oidc_timeout_s,
            )
        except httpx.HTTPError as error:
            raise OidcUnavailable(
                f"The sign-in provider is unreachable (token endpoint: {type(error).__name__})."
            ) from error
        body = _json_or_none(response)
        if response.status_code >= 500 or not isinstance(body, dict):
            raise OidcUnavailable(
                f"The sign-in provider answered {response.status_code} (token endpoint)."
            )
        if response.status_code != 200 or "error" in body:
            refusal = str(body.get("error") or "invalid_request")[:64]
            raise OidcAuthFailed(
                "The sign-in provider refused the authorization code.",
                reason="CODE_REFUSED",
                providerError=refusal,
            )
        id_token = body.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise OidcAuthFailed(
                "The sign-in provider sent no ID token.", reason="ID_TOKEN_INVALID"
            )
        return id_token

    async def _fetch_jwks(self) -> Any:
        metadata = await self.metadata()
        return await get_json(
            self._http, metadata.jwks_uri, what="JWKS", timeout_s=self._settings.oidc_timeout_s
        )


def basic_authorization(client_id: str, secret: str) -> str:
    """The ``client_secret_basic`` Authorization header (RFC 6749 §2.3.1), by authlib."""
    _, headers, _ = encode_client_secret_basic(_BasicClient(client_id, secret), "POST", "", {}, "")
    value: str = headers["Authorization"]
    return value


@dataclass(frozen=True)
class _BasicClient:
    client_id: str
    client_secret: str


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
