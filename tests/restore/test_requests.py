"""restoreSnapshot's refusals: each bad request gets a clear code and starts no job."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from strawberry.relay import GlobalID

from graphql_api.db.models import (
    LibrarySnapshot,
    Restore,
    RestoreMode,
    RestoreStatus,
    SnapshotStatus,
)
from graphql_api.resources import Resources
from spotify_emulator.testing import EmulatorHandle
from tests.library.test_graphql import save_and_wait
from tests.restore.flows import RESTORE, restore, wait_for_restore
from tests.support.graphql_client import GraphQLClient
from tests.support.spotify import linked_user
from tests.support.users import login, plain_user


def _code(body: dict[str, Any]) -> str:
    assert body.get("errors"), body
    return str(body["errors"][0]["extensions"]["code"])


def _variables(snapshot_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "id": snapshot_id,
        "sections": ["TRACKS"],
        "mode": "ADD_MISSING",
        "dryRun": True,
        **overrides,
    }


async def _restores(resources: Resources) -> int:
    async with resources.sessionmaker() as session:
        return len((await session.scalars(select(Restore.id))).all())


async def test_bad_requests_get_clear_codes_and_start_nothing(
    alice: GraphQLClient,
    library_resources: Resources,
    library_emulator: EmulatorHandle,
) -> None:
    snapshot = (await save_and_wait(alice))["id"]
    for variables in (
        _variables(snapshot, sections=[]),
        _variables(snapshot, sections=["TRACKS", "PODCASTS"]),
        _variables(snapshot, mode="OVERWRITE"),
    ):
        body = await alice.execute(RESTORE, variables)
        assert _code(body) == "BAD_USER_INPUT", variables
    unknown = await alice.execute(RESTORE, _variables(snapshot, sections=["PODCASTS"]))
    assert "PODCASTS" in unknown["errors"][0]["message"]
    wrong_kind = _variables(_global("User", 1))
    assert _code(await alice.execute(RESTORE, wrong_kind)) == "BAD_USER_INPUT"
    anonymous = alice.with_token(None)
    assert _code(await anonymous.execute(RESTORE, _variables(snapshot))) == "UNAUTHENTICATED"

    # Bruno (linked too) may not restore alice's snapshot into his account.
    bruno_id = await linked_user(library_resources, library_emulator, "bruno")
    bruno = alice.with_token(await login(library_resources, bruno_id))
    assert _code(await bruno.execute(RESTORE, _variables(snapshot))) == "NOT_FOUND"
    assert await _restores(library_resources) == 0


async def test_unlinked_account_unfinished_snapshot_and_a_second_restore_are_refused(
    alice: GraphQLClient, library_resources: Resources
) -> None:
    # A user whose account is not linked (any more) has a snapshot from when it was.
    user_id = await plain_user(library_resources, "unlinked")
    async with library_resources.sessionmaker() as session:
        done = LibrarySnapshot(user_id=user_id, version=1, status=SnapshotStatus.SUCCEEDED)
        session.add(done)
        await session.commit()
    unlinked = alice.with_token(await login(library_resources, user_id))
    done_id = _global("LibrarySnapshot", done.id)
    body = await unlinked.execute(RESTORE, _variables(done_id))
    assert _code(body) == "SPOTIFY_RELINK_REQUIRED"

    snapshot = (await save_and_wait(alice))["id"]
    async with library_resources.sessionmaker() as session:
        alice_id = (await session.get(LibrarySnapshot, _db_id(snapshot))).user_id  # type: ignore[union-attr]
        running = LibrarySnapshot(user_id=alice_id, version=2, status=SnapshotStatus.RUNNING)
        session.add(running)
        await session.commit()
    body = await alice.execute(RESTORE, _variables(_global("LibrarySnapshot", running.id)))
    assert _code(body) == "BAD_USER_INPUT"

    async with library_resources.sessionmaker() as session:
        queued = Restore(
            user_id=alice_id,
            snapshot_id=_db_id(snapshot),
            sections="TRACKS",
            mode=RestoreMode.ADD_MISSING,
            status=RestoreStatus.QUEUED,
        )
        session.add(queued)
        await session.commit()
    assert _code(await alice.execute(RESTORE, _variables(snapshot))) == "CONFLICT"


async def test_restores_are_listed_on_the_viewer_newest_first(alice: GraphQLClient) -> None:
    snapshot = (await save_and_wait(alice))["id"]
    first = await restore(alice, snapshot, "ADD_MISSING", dry_run=True)
    second = await restore(alice, snapshot, "MIRROR", dry_run=True, sections=["ARTISTS"])
    listed = await alice.query(
        "{ viewer { restores(first: 10) { totalCount edges { node { id mode sections } } } } }"
    )
    connection = listed["viewer"]["restores"]
    assert connection["totalCount"] == 2
    assert [e["node"]["id"] for e in connection["edges"]] == [second["id"], first["id"]]
    assert connection["edges"][0]["node"]["sections"] == ["ARTISTS"]
    node = await alice.query(
        "query($id: ID!) { node(id: $id) { ... on Restore { id dryRun } } }", {"id": first["id"]}
    )
    assert node["node"] == {"id": first["id"], "dryRun": True}


def _global(kind: str, db_id: int) -> str:
    return str(GlobalID(kind, str(db_id)))


def _db_id(global_id: str) -> int:
    return int(GlobalID.from_id(global_id).node_id)


RESUME = "mutation($id: ID!) { resumeRestore(id: $id) { id status } }"


async def test_a_failed_restore_resumes_and_a_finished_one_does_not(
    alice: GraphQLClient, library_resources: Resources
) -> None:
    snapshot = (await save_and_wait(alice))["id"]
    done = await restore(alice, snapshot, "ADD_MISSING", sections=["ARTISTS"])
    assert _code(await alice.execute(RESUME, {"id": done["id"]})) == "CONFLICT"

    async with library_resources.sessionmaker() as session:
        row = await session.get(Restore, _db_id(done["id"]))
        assert row is not None
        row.status, row.error_code = RestoreStatus.FAILED, "SERVICE_UNAVAILABLE"
        await session.commit()
    resumed = (await alice.query(RESUME, {"id": done["id"]}))["resumeRestore"]
    assert resumed["status"] == "QUEUED"
    state = await wait_for_restore(alice, done["id"])
    assert state["status"] == "SUCCEEDED"
    assert state["error"] is None
