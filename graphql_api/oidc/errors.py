"""Typed failures of an OpenID Connect sign-in, each with a stable code (``graphql_api.errors``)."""

from __future__ import annotations

from graphql_api.errors import MixtapeError, ServiceUnavailable


class OidcUnavailable(ServiceUnavailable):
    """The provider could not be reached, or answered something that is not OpenID Connect
    (a 5xx, a broken discovery document or JWKS): nothing was decided, try again later."""


class OidcAuthFailed(MixtapeError):
    """The provider's answer does not prove who the user is: the code was refused, or the
    ID token failed a check. ``reason`` says which (``CODE_REFUSED``, ``WRONG_AUDIENCE``,
    ``WRONG_ISSUER``, ``NONCE_MISMATCH``, ``EXPIRED``, ``UNKNOWN_KEY``, ``ID_TOKEN_INVALID``)."""

    code = "OIDC_AUTH_FAILED"
    http_status = 400
