"""POST /history/imports and the import's progress in GraphQL, over a real socket."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from graphql_api.resources import Resources
from tests.history.conftest import new_user, play_counts, token_for
from tests.support.graphql_client import GraphQLClient
from tests.support.history_export import write_export

IMPORT = """query($id: ID!) { historyImport(id: $id) {
  status progress { phase done total fraction }
  counts { entriesRead playsAdded playsMerged skipsAdded entriesIgnored songsCreated }
  error { code message } files { name entriesTotal entriesDone done }
} }"""
IMPORTS = "{ viewer { historyImports(first: 5) { totalCount edges { node { status } } } } }"
RESUME = "mutation($id: ID!) { resumeHistoryImport(id: $id) { status } }"


async def _finished(client: GraphQLClient, import_id: str) -> dict[str, Any]:
    for _ in range(600):
        data = await client.query(IMPORT, {"id": import_id})
        found: dict[str, Any] = data["historyImport"]
        if found["status"] in ("SUCCEEDED", "FAILED"):
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("the import did not finish")


async def test_uploaded_zip_is_imported_by_a_job_whose_progress_graphql_shows(
    resources: Resources, app_url: str, http: httpx.AsyncClient, gql: GraphQLClient, tmp_path: Path
) -> None:
    user_id = await new_user(resources)
    token = await token_for(resources, user_id)
    (archive,), expected = write_export(tmp_path / "export", files=2, per_file=150, as_zip=True)
    response = await http.post(
        f"{app_url}/history/imports",
        params={"filename": "my_spotify_data.zip"},
        content=archive.read_bytes(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/zip"},
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert len(body["files"]) == 2
    client = gql.with_token(token)
    found = await _finished(client, body["id"])
    assert found["status"] == "SUCCEEDED", found
    assert found["progress"]["fraction"] == 1.0
    counts = found["counts"]
    assert (counts["playsAdded"], counts["skipsAdded"]) == (expected.plays, expected.skips)
    assert all(f["done"] for f in found["files"])
    assert await play_counts(resources, user_id) == (expected.plays, expected.skips)
    listed = (await client.query(IMPORTS))["viewer"]["historyImports"]
    assert listed["totalCount"] == 1
    # The upload is deleted once imported.
    assert not any(resources.settings.history_upload_dir.rglob("*.zip"))
    # Someone else sees no such import.
    other = gql.with_token(await token_for(resources, await new_user(resources, "Other")))
    body = await other.execute(IMPORT, {"id": found and response.json()["id"]})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_upload_refusals_answer_json_with_a_status(
    resources: Resources, app_url: str, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    token = await token_for(resources, await new_user(resources))
    auth = {"authorization": f"Bearer {token}"}
    url = f"{app_url}/history/imports"
    cases = [
        ({}, b"[]", {"content-type": "application/json"}, 401, "UNAUTHENTICATED"),
        (auth, b"[]", {"content-type": "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE"),
        (auth, b"", {"content-type": "application/json"}, 400, "BAD_USER_INPUT"),
        (auth, b"not a zip", {"content-type": "application/zip"}, 400, "BAD_USER_INPUT"),
        (auth, b"PK\x03\x04junk", {"content-type": "application/json"}, 400, "BAD_USER_INPUT"),
    ]
    for headers, content, kind, status, code in cases:
        response = await http.post(url, content=content, headers=headers | kind)
        assert response.status_code == status, (content, response.text)
        assert response.json()["error"]["code"] == code
    # A zip without streaming history in it says what it lacks.
    (empty,), _ = write_export(tmp_path / "e", files=0, as_zip=True)
    response = await http.post(
        url, content=empty.read_bytes(), headers=auth | {"content-type": "application/zip"}
    )
    assert response.status_code == 400
    assert "Streaming_History_Audio" in response.json()["error"]["message"]
    # Nothing is left behind by refused uploads.
    assert not any(p.is_file() for p in resources.settings.history_upload_dir.rglob("*"))


async def test_upload_larger_than_the_limit_is_refused_while_reading(
    resources: Resources, app_url: str, http: httpx.AsyncClient
) -> None:
    token = await token_for(resources, await new_user(resources))
    limit = resources.settings.history_max_upload_bytes
    assert limit > 0
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}

    async def body() -> Any:
        yield b"["
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    response = await http.post(f"{app_url}/history/imports", content=body(), headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
