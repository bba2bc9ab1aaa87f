"""Typed failures of the Spotify client, each with a stable code (see ``graphql_api.errors``).

``SpotifyRelinkRequired`` and ``RateLimited`` live in ``graphql_api.errors`` because
other domains raise and report them too; they are re-exported here for convenience.
"""

from __future__ import annotations

from typing import Any

from graphql_api.errors import (
    Forbidden,
    MixtapeError,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    SpotifyRelinkRequired,
)

__all__ = [
    "NoActiveDevice",
    "PremiumRequired",
    "RateLimited",
    "SpotifyApiError",
    "SpotifyForbidden",
    "SpotifyNotConfigured",
    "SpotifyNotFound",
    "SpotifyOAuthError",
    "SpotifyRelinkRequired",
    "SpotifyUnavailable",
]


class SpotifyForbidden(Forbidden):
    """Spotify answered 403: re-authorizing will not help (e.g. not allow-listed)."""


class SpotifyNotFound(NotFound):
    """Spotify answered 404 for the object asked for."""


class PremiumRequired(MixtapeError):
    """Player control needs a Spotify Premium account."""

    code = "SPOTIFY_PREMIUM_REQUIRED"
    http_status = 403


class NoActiveDevice(MixtapeError):
    """Player control needs a device where Spotify is open."""

    code = "SPOTIFY_NO_ACTIVE_DEVICE"
    http_status = 409


class SpotifyUnavailable(ServiceUnavailable):
    """Spotify kept failing (5xx, timeouts) after our retries, or the outcome is unknown."""


class SpotifyApiError(MixtapeError):
    """Any other error answer from Spotify (most likely a request Mixtape got wrong)."""

    code = "SPOTIFY_ERROR"
    http_status = 502

    def __init__(self, message: str, *, status: int, **extensions: Any) -> None:
        super().__init__(message, spotifyStatus=status, **extensions)
        self.status = status


class SpotifyOAuthError(MixtapeError):
    """The accounts service refused a code exchange or a refresh (OAuth ``error`` kept)."""

    code = "SPOTIFY_AUTH_FAILED"
    http_status = 400

    def __init__(self, message: str, *, error: str) -> None:
        super().__init__(message, oauthError=error)
        self.error = error


class SpotifyNotConfigured(MixtapeError):
    """No Spotify client id/secret are configured."""

    code = "SPOTIFY_NOT_CONFIGURED"
    http_status = 503
