"""Whether this server lets new people in: ``MIXTAPE_AUTH_SIGNUP_ENABLED``.

A private instance (a family's, a club's) turns sign-up off once its people have
accounts. Every path that would create an account asks here first: ``register`` and a
first Spotify login. Existing accounts keep logging in either way, and linking Spotify
to an existing account is not a sign-up.
"""

from __future__ import annotations

from graphql_api.errors import Forbidden
from graphql_api.settings import Settings


def check_signup_open(settings: Settings) -> None:
    """FORBIDDEN (reason ``SIGNUP_DISABLED``) when new accounts may not be created."""
    if not settings.auth_signup_enabled:
        raise Forbidden(
            "Sign-up is turned off on this server: only existing accounts can log in.",
            reason="SIGNUP_DISABLED",
        )
