"""Domain errors. Each carries a stable code; one place maps them to GraphQL and HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar


class MixtapeError(Exception):
    """An expected failure a client can act on. Its message is safe to show."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"
    http_status: ClassVar[int] = 500

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class Unauthenticated(MixtapeError):
    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(MixtapeError):
    code = "FORBIDDEN"
    http_status = 403


class NotFound(MixtapeError):
    code = "NOT_FOUND"
    http_status = 404


class BadUserInput(MixtapeError):
    code = "BAD_USER_INPUT"
    http_status = 400


class Conflict(MixtapeError):
    code = "CONFLICT"
    http_status = 409


class RateLimited(MixtapeError):
    code = "RATE_LIMITED"
    http_status = 429

    def __init__(self, message: str, *, retry_after: float, **extensions: Any) -> None:
        retry_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=retry_after)
        super().__init__(
            message,
            retryAfterSeconds=round(retry_after, 3),
            retryAt=retry_at.isoformat(),
            **extensions,
        )
        self.retry_after = retry_after


class PayloadTooLarge(MixtapeError):
    code = "PAYLOAD_TOO_LARGE"
    http_status = 413


class UnsupportedMediaType(MixtapeError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    http_status = 415


class SpotifyRelinkRequired(MixtapeError):
    code = "SPOTIFY_RELINK_REQUIRED"
    http_status = 409


class ServiceUnavailable(MixtapeError):
    code = "SERVICE_UNAVAILABLE"
    http_status = 503


def error_body(error: MixtapeError) -> dict[str, Any]:
    """The JSON body REST routes answer with for a domain error."""
    return {"error": {"code": error.code, "message": error.message, **error.extensions}}
