"""schemathesis over the HTTP routes' OpenAPI document (``graphql_api/rest.openapi.yaml``).

The document is hand-written: the first test keeps it listing exactly the app's routes.
Each route is fuzzed anonymous and as alice; ``/graphql`` as plain HTTP gets the GraphQL
oracle, the REST routes the REST one (no 5xx; an error status answers JSON with a code).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core import NotSet
from starlette.routing import Mount, Route

from graphql_api.app import create_app
from graphql_api.settings import Settings
from tests.fuzz import budget
from tests.fuzz.harness import Fuzz
from tests.support.history_export import small_export_zip

pytestmark = pytest.mark.timeout(budget.TIMEOUT_S)

DOCUMENT = Path(__file__).resolve().parents[2] / "graphql_api" / "rest.openapi.yaml"
# The history upload takes Spotify's zip: random bytes, a zip's signature then junk, and
# a real (small) export zip.
schemathesis.openapi.media_type(
    "application/zip",
    st.one_of(
        st.binary(max_size=256),
        st.binary(max_size=64).map(lambda tail: b"PK\x03\x04" + tail),
        st.just(small_export_zip()),
    ),
)
schema = schemathesis.openapi.from_path(DOCUMENT)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


def test_openapi_document_lists_every_http_route(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'db'}"))
    routes = {
        (re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", route.path), method.lower())
        for route in app.routes
        if isinstance(route, Route) and not isinstance(route, Mount)
        for method in route.methods or ()
        if method != "HEAD"
    }
    documented = {
        (path, method) for path, item in schema.raw_schema["paths"].items() for method in item
    }
    assert documented == routes


async def test_the_server_serves_the_fuzzed_document_at_api_openapi_json(
    tmp_path: Path,
) -> None:
    import httpx
    import yaml

    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'db'}"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://mixtape.test"
    ) as client:
        response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    assert response.json() == schema.raw_schema


@schema.parametrize()
@budget.fuzz_settings(10)
def test_route_answers_without_server_errors(case: Any, fuzz_reads: Fuzz) -> None:
    mark = len(fuzz_reads.error_log.records)
    # alice's token replaces a generated one; anonymous keeps the generated (bad) tokens.
    headers = {**(case.headers or {}), **fuzz_reads.headers()}
    if case.path == "/graphql":
        # A client that asks for JSON; a browser's GET gets GraphiQL instead, by design.
        headers["accept"] = "application/json"
    response = case.call(
        base_url=fuzz_reads.target.base_url, headers=headers, allow_redirects=False
    )
    content_type = ",".join(response.headers.get("content-type", []))
    fuzz_reads.check(
        response.status_code,
        content_type,
        response.content,
        mark,
        _sent(case),
        rest=case.path != "/graphql",
    )
    if case.path == "/graphql":
        fuzz_reads.keep_viewer()


def _sent(case: Any) -> dict[str, Any]:
    return {
        "method": case.method,
        "path": case.formatted_path,
        "query": case.query,
        "headers": case.headers,
        "body": None if isinstance(case.body, NotSet) else case.body,
    }
