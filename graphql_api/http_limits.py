"""HTTP-level bounds of the GraphQL endpoint: body size, and what an answer looks like.

The body limit is enforced while the body is read: a declared ``content-length`` over the limit
is refused before reading anything, and a chunked body is counted as it arrives and refused as
soon as it passes the limit, so a 200 MB body is never held in memory.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"

# The code of each HTTP-level refusal, for clients that read extensions.code.
HTTP_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class BodyTooLarge(Exception):
    """The request body is longer than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")
        self.limit = limit


def declared_length(scope: Scope) -> int | None:
    """The request's ``content-length``, or None when absent or unreadable."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def limit_body(receive: Receive, limit: int) -> Receive:
    """``receive``, raising :class:`BodyTooLarge` once more than ``limit`` bytes arrived."""
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return limited


def error_response(
    status_code: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A GraphQL-shaped JSON error for a request refused before any operation ran."""
    code = HTTP_CODES.get(status_code, "BAD_REQUEST")
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status_code, headers=headers)


def preferred_media_type(accept: str | None) -> str:
    """The response media type for an ``Accept`` header (GraphQL over HTTP).

    ``application/graphql-response+json`` when the client asks for it at least as much as
    for ``application/json``; ``application/json`` otherwise, including for ``*/*``, no
    header at all, and legacy clients.
    """
    if not accept:
        return JSON
    best: tuple[float, int] = (0.0, 0)
    choice = JSON
    for position, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if media not in (GRAPHQL_RESPONSE_JSON, JSON) or quality <= 0:
            continue
        # Higher quality wins; on a tie the first listed.
        rank = (quality, -position)
        if rank > best:
            best, choice = rank, media
    return choice
