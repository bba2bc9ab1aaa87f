"""Spotify's two error shapes: the Web API's and the accounts service's (OAuth)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

# Spotify's own wording for the statuses a router can produce by itself.
_DEFAULT_MESSAGES = {
    400: "Bad request",
    401: "Invalid access token",
    403: "Forbidden",
    404: "Service not found",
    405: "Method not allowed",
    429: "API rate limit exceeded",
    500: "Server error",
}


class ApiError(Exception):
    """A Web API failure, answered as `{"error": {"status", "message", "reason"?}}`."""

    def __init__(self, status: int, message: str | None = None, reason: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message or _DEFAULT_MESSAGES.get(status, "Error")
        self.reason = reason


class OAuthError(Exception):
    """An accounts-service failure, answered as `{"error", "error_description"}`."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def api_error_response(
    status: int, message: str | None = None, reason: str | None = None
) -> JSONResponse:
    """The Web API's JSON error body for `status`."""
    body: dict[str, object] = {
        "status": status,
        "message": message or _DEFAULT_MESSAGES.get(status, "Error"),
    }
    if reason is not None:
        body["reason"] = reason
    return JSONResponse({"error": body}, status_code=status)


async def handle_api_error(request: Request, exc: Exception) -> Response:
    """Starlette exception handler for `ApiError`."""
    assert isinstance(exc, ApiError)
    return api_error_response(exc.status, exc.message, exc.reason)


async def handle_oauth_error(request: Request, exc: Exception) -> Response:
    """Starlette exception handler for `OAuthError`."""
    assert isinstance(exc, OAuthError)
    body = {"error": exc.error, "error_description": exc.description}
    headers = {"WWW-Authenticate": "Basic"} if exc.status == 401 else None
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Routing failures (unknown path, wrong method) in Spotify's Web API shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=exc.headers)
    return api_error_response(exc.status_code)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    """Last resort: a Spotify-shaped 500 instead of a traceback page.

    Starlette still re-raises the exception after this answer, so uvicorn logs it whole:
    an emulator bug never passes silently for an injected fault.
    """
    return api_error_response(500)
