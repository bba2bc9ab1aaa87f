"""Only a snapshot's owner reads it; bad arguments get BAD_USER_INPUT, never a 500."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from strawberry.relay import GlobalID

from graphql_api.db.models import User
from graphql_api.resources import Resources
from tests.library.conftest import login
from tests.library.test_graphql import save_and_wait
from tests.support.graphql_client import GraphQLClient

SNAPSHOT = "query($id: ID!) { librarySnapshot(id: $id) { id status } }"
DIFF = """
query($from: ID!, $to: ID) { libraryDiff(from: $from, to: $to) { addedTracks { totalCount } } }
"""
NODE = """query($id: ID!) { node(id: $id) {
  ... on LibrarySnapshot { status }
  ... on User { library { id } librarySnapshots { totalCount edges { node { id } } } }
} }"""
TRACKS = """query($id: ID!, $first: Int, $after: String) { librarySnapshot(id: $id) {
  savedTracks(first: $first, after: $after) { totalCount edges { node { name } } }
} }"""


def code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors")
    return str(errors[0]["extensions"]["code"]) if errors else None


def cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.fixture
async def bob(alice: GraphQLClient, library_resources: Resources) -> GraphQLClient:
    async with library_resources.sessionmaker() as session:
        user = User(display_name="Bob")
        session.add(user)
        await session.commit()
    return alice.with_token(await login(library_resources, user.id))


async def test_another_user_sees_nothing_of_a_snapshot(
    alice: GraphQLClient, bob: GraphQLClient, library_app: str
) -> None:
    snapshot = await save_and_wait(alice)
    mine = await alice.query(SNAPSHOT, {"id": snapshot["id"]})
    assert mine["librarySnapshot"]["status"] == "SUCCEEDED"
    alice_id = (await alice.query("{ viewer { id } }"))["viewer"]["id"]

    assert code(await bob.execute(SNAPSHOT, {"id": snapshot["id"]})) == "NOT_FOUND"
    assert code(await bob.execute(DIFF, {"from": snapshot["id"]})) == "NOT_FOUND"
    assert code(await bob.execute(DIFF, {"from": snapshot["id"], "to": snapshot["id"]})) == (
        "NOT_FOUND"
    )
    assert (await bob.query(NODE, {"id": snapshot["id"]}))["node"] is None
    theirs = (await bob.query(NODE, {"id": alice_id}))["node"]
    hidden = {"library": None, "librarySnapshots": {"totalCount": 0, "edges": []}}
    assert theirs in (None, hidden)
    url = f"{library_app}/export/snapshots/{snapshot['id']}.zip"
    async with httpx.AsyncClient(timeout=30) as http:
        export = await http.get(url, headers={"authorization": f"Bearer {bob.token}"})
    assert export.status_code == 404
    assert export.json()["error"]["code"] == "NOT_FOUND"


async def test_bad_arguments_are_bad_user_input(alice: GraphQLClient, library_app: str) -> None:
    snapshot = await save_and_wait(alice)
    alice_id = (await alice.query("{ viewer { id } }"))["viewer"]["id"]
    assert code(await alice.execute(SNAPSHOT, {"id": alice_id})) == "BAD_USER_INPUT"
    assert code(await alice.execute(SNAPSHOT, {"id": "not-an-id"})) == "BAD_USER_INPUT"
    for odd in ("9" * 30, "\u00b2", "-1"):
        body = await alice.execute(SNAPSHOT, {"id": str(GlobalID("LibrarySnapshot", odd))})
        assert code(body) in ("BAD_USER_INPUT", "NOT_FOUND"), (odd, body)
    assert code(await alice.execute(DIFF, {"from": alice_id})) == "BAD_USER_INPUT"
    bad_pages: list[dict[str, Any]] = [
        {"first": -1},
        {"first": 100_000},
        {"after": "garbage"},
        {"after": cursor("o:-3")},
        {"after": cursor("o:" + "9" * 30)},
    ]
    for arguments in bad_pages:
        body = await alice.execute(TRACKS, {"id": snapshot["id"], **arguments})
        assert code(body) == "BAD_USER_INPUT", (arguments, body)
    sort = await alice.execute(
        """query($id: ID!) { librarySnapshot(id: $id) {
          savedTracks(sort: {key: POPULARITY}) { totalCount } } }""",
        {"id": snapshot["id"]},
    )
    assert sort["errors"], sort
    assert "POPULARITY" in sort["errors"][0]["message"]
    user_zip = f"{library_app}/export/snapshots/{alice_id}.zip"
    huge_zip = f"{library_app}/export/snapshots/{'9' * 30}.zip"
    # 5,000 digits: more than int() parses (it raised, a 500, before the length check).
    longest_zip = f"{library_app}/export/snapshots/{'9' * 5000}.zip"
    odd_zip = f"{library_app}/export/snapshots/%C2%B2.zip"
    async with httpx.AsyncClient(timeout=30) as http:
        for url in (user_zip, huge_zip, longest_zip, odd_zip):
            response = await http.get(url, headers={"authorization": f"Bearer {alice.token}"})
            assert response.status_code in (400, 404), (url, response.text)
            assert response.json()["error"]["code"] in ("BAD_USER_INPUT", "NOT_FOUND")


FILTERED = """query($id: ID!, $filter: LibraryFilter, $after: String) { librarySnapshot(id: $id) {
  savedTracks(filter: $filter, after: $after) { totalCount } } }"""


async def test_hostile_filters_and_cursors_are_bad_user_input(
    alice: GraphQLClient, library_app: str
) -> None:
    snapshot = await save_and_wait(alice)
    snapshot_id = snapshot["id"]
    # 50,000 characters: past SQLite's LIKE limit ("pattern too complex") and any need.
    text = "a" * 50_000
    naive = "2026-03-01T12:00:00"
    variables: list[dict[str, Any]] = [
        {"filter": {"text": text}},
        {"filter": {"addedAfter": naive}},
        {"filter": {"addedBefore": naive}},
        {"after": cursor("o:" + "9" * 5000)},
    ]
    for arguments in variables:
        body = await alice.execute(FILTERED, {"id": snapshot_id, **arguments})
        assert body.get("data") is None, (arguments, body)
        assert code(body) == "BAD_USER_INPUT", (arguments, body)
    # Inline, 50,000 characters are more than a whole document may hold.
    long_document = (
        f'{{ librarySnapshot(id: "{snapshot_id}") {{ savedTracks(filter: {{text: "{text}"}}) '
        "{ totalCount } } }"
    )
    assert code(await alice.execute(long_document)) == "GRAPHQL_PARSE_FAILED"
    inline = [
        # Over the string limit (4,096), within the document's.
        f'filter: {{text: "{"a" * 10_000}"}}',
        f'filter: {{addedAfter: "{naive}"}}',
        f'filter: {{addedBefore: "{naive}"}}',
        f'after: "{cursor("o:" + "9" * 5000)}"',
    ]
    for arguments in inline:
        query = (
            f'{{ librarySnapshot(id: "{snapshot_id}") {{ savedTracks({arguments}) '
            "{ totalCount } } }"
        )
        body = await alice.execute(query)
        assert code(body) == "BAD_USER_INPUT", (arguments[:40], body)
    # The same filters, within bounds and with a timezone, work.
    fine = {"text": "a" * 100, "addedAfter": naive + "Z", "addedBefore": naive + "+02:00"}
    body = await alice.query(FILTERED, {"id": snapshot_id, "filter": fine})
    assert body["librarySnapshot"]["savedTracks"]["totalCount"] == 0
