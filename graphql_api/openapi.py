"""``GET /api/openapi.json``: the OpenAPI document of Mixtape's HTTP routes.

The document is hand-written (``graphql_api/rest.openapi.yaml``, shipped in the package);
a test keeps it listing exactly the app's routes, and schemathesis fuzzes every route it
describes. Served as JSON so that clients and fuzzers can fetch it from a running server.
"""

from __future__ import annotations

import functools
from importlib import resources

import orjson
import yaml
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DOCUMENT = "rest.openapi.yaml"


@functools.cache
def document_json() -> bytes:
    """The document, parsed once per process and encoded as JSON."""
    text = resources.files("graphql_api").joinpath(DOCUMENT).read_text(encoding="utf-8")
    return orjson.dumps(yaml.safe_load(text))


async def openapi(request: Request) -> Response:
    return Response(
        document_json(),
        media_type="application/json",
        headers={"cache-control": "public, max-age=300"},
    )


routes = [Route("/api/openapi.json", openapi, methods=["GET"])]
