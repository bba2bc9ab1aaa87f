"""``GET /rooms/{code}``: the guest page of a room (static HTML and JavaScript, no build).

The page reads the code from its own URL and talks to ``/graphql`` like any client; the
server only hands out the same files to everyone, so nothing of a room is in the HTML.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

PACKAGE_DIR = Path(__file__).resolve().parents[1]
STATIC_DIR = PACKAGE_DIR / "static" / "rooms"
STATIC_PATH = "/static/rooms"
TEMPLATE = PACKAGE_DIR / "templates" / "room.html"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@cache
def _template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


async def room_page(request: Request) -> HTMLResponse:
    """The same page for every code: the script joins and follows the room."""
    static = request.scope.get("root_path", "").rstrip("/") + STATIC_PATH
    return HTMLResponse(
        _template().replace("{{static}}", static),
        headers={
            "content-security-policy": CONTENT_SECURITY_POLICY,
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
            "cache-control": "no-cache",
        },
    )


routes = [
    Route("/rooms/{code}", room_page, methods=["GET"]),
    Mount(STATIC_PATH, app=StaticFiles(directory=STATIC_DIR), name="rooms-static"),
]
