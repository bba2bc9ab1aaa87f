"""Mixtape as an OpenID Connect relying party (infrastructure: no persistence, no domain).

:class:`OidcServices` is what a process holds (``Resources.oidc``): one :class:`OidcClient`
per provider of ``MIXTAPE_OIDC_PROVIDERS``, each caching its discovery document and keys.
The auth domain (``graphql_api/auth/oidc_login.py``) runs the login on top of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from graphql_api.errors import NotFound
from graphql_api.oidc.client import OidcClient, new_secret
from graphql_api.oidc.errors import OidcAuthFailed, OidcUnavailable
from graphql_api.oidc.id_token import IdClaims
from graphql_api.settings import Settings

__all__ = [
    "IdClaims",
    "OidcAuthFailed",
    "OidcClient",
    "OidcServices",
    "OidcUnavailable",
    "new_secret",
]


@dataclass(frozen=True)
class OidcServices:
    """The configured providers of this process, by name."""

    clients: Mapping[str, OidcClient]

    @classmethod
    def build(cls, http: httpx.AsyncClient, settings: Settings) -> OidcServices:
        return cls({p.name: OidcClient(http, settings, p) for p in settings.oidc_providers})

    def client(self, name: str) -> OidcClient:
        """The provider called ``name``; NOT_FOUND when none is configured by that name."""
        found = self.clients.get(name)
        if found is None:
            raise NotFound(f"No sign-in provider is called {name[:40]!r}.", field="provider")
        return found
