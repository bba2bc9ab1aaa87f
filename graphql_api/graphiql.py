"""The GraphiQL explorer at ``GET /graphql``, served from local assets so it works offline.

``make assets`` (``scripts/fetch_assets.sh``) fetches pinned GraphiQL and React builds from the
npm registry into ``static/graphiql/vendor/`` (ignored by git). When they are there, the page and
everything it loads come from this server, and a Content-Security-Policy keeps it that way. When
they are not, the page is strawberry's default, which loads GraphiQL from a CDN, and a warning
says so in the log.

Either page loads ``login.js``: after a Spotify login in demo mode the browser lands on
``/graphql#login_code=…`` (auth/routes.py), and the page trades the code for a session and puts
its Authorization header in GraphiQL's headers editor.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from strawberry.http.ides import get_graphql_ide_html

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).parent
STATIC_DIR = PACKAGE_DIR / "static" / "graphiql"
VENDOR_DIR = STATIC_DIR / "vendor"
TEMPLATE = PACKAGE_DIR / "templates" / "graphiql.html"
# Where STATIC_DIR is mounted, relative to the app's root path.
STATIC_PATH = "/static/graphiql"
VENDOR_FILES = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql.min.css",
    "plugin-explorer.umd.js",
    "plugin-explorer.css",
)
# Everything from this origin; GraphiQL and React set inline styles, and its fonts and icons
# are data: URLs inside graphiql.min.css. connect-src 'self' covers ws(s):// at the same host.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def assets_present(vendor_dir: Path = VENDOR_DIR) -> bool:
    """Whether ``make assets`` has put every file the local page needs in ``vendor_dir``."""
    return all((vendor_dir / name).is_file() for name in VENDOR_FILES)


@cache
def _local_template() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


@cache
def _warn_cdn_fallback(vendor_dir: Path) -> None:
    # Once per process: the page is rendered on every GET /graphql.
    log.warning(
        "GraphiQL assets are missing from %s: /graphql loads GraphiQL from a CDN, which "
        "offline and air-gapped machines cannot reach; run `make assets` to serve them locally",
        vendor_dir,
    )


def render_graphiql(request: Request, vendor_dir: Path = VENDOR_DIR) -> HTMLResponse:
    """The explorer page: local assets when present, otherwise strawberry's CDN page.

    Presence is checked per request (a few ``stat`` calls), so `make assets` run while the
    server is up takes effect on the next page load.
    """
    static = request.scope.get("root_path", "").rstrip("/") + STATIC_PATH
    if not assets_present(vendor_dir):
        _warn_cdn_fallback(vendor_dir)
        # login.js (a demo login's landing) is ours, served locally even then.
        login = f'<script src="{static}/login.js" data-store="reload"></script>'
        return HTMLResponse(
            get_graphql_ide_html("graphiql").replace("</head>", login + "</head>", 1)
        )
    return HTMLResponse(
        _local_template().replace("{{static}}", static),
        headers={
            "content-security-policy": CONTENT_SECURITY_POLICY,
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
            "cache-control": "no-cache",
        },
    )


def static_files() -> StaticFiles:
    """The ASGI app serving :data:`STATIC_DIR` (mount it at :data:`STATIC_PATH`)."""
    return StaticFiles(directory=STATIC_DIR)
