"""``mixtape admin prune`` and ``snapshots retry --stuck`` end to end, on each backend."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from graphql_api.db.models import LibrarySnapshot, OAuthState, SnapshotStatus, User
from graphql_api.resources import Resources
from tests.admin.conftest import Admin


def test_prune_deletes_expired_login_states_and_dry_run_only_counts(admin: Admin) -> None:
    async def expired_states(resources: Resources) -> None:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        async with resources.sessionmaker() as session:
            for number in range(2):
                session.add(
                    OAuthState(
                        state_hash=f"{number:064d}",
                        code_verifier="v" * 43,
                        redirect_uri="http://127.0.0.1/cb",
                        expires_at=past,
                    )
                )
            await session.commit()

    async def states(resources: Resources) -> int:
        async with resources.sessionmaker() as session:
            return int(await session.scalar(select(func.count()).select_from(OAuthState)) or 0)

    admin.db(expired_states)
    dry = admin("prune", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would have: deleted 2 oauth_states" in dry.output
    assert admin.db(states) == 2
    result = admin("prune")
    assert result.output.startswith("deleted 2 oauth_states")
    assert admin.db(states) == 0


def test_snapshots_retry_stuck_requeues_a_snapshot_whose_lease_ran_out(admin: Admin) -> None:
    async def stuck(resources: Resources) -> int:
        async with resources.sessionmaker() as session:
            user = User(display_name="runner")
            session.add(user)
            await session.flush()
            snapshot = LibrarySnapshot(
                user_id=user.id,
                version=1,
                status=SnapshotStatus.RUNNING,
                attempts=1,
                lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
            )
            session.add(snapshot)
            await session.commit()
            return snapshot.id

    async def state(resources: Resources) -> tuple[SnapshotStatus, int]:
        async with resources.sessionmaker() as session:
            snapshot = await session.get(LibrarySnapshot, snapshot_id)
            assert snapshot is not None
            return snapshot.status, snapshot.attempts

    snapshot_id = admin.db(stuck)
    dry = admin("snapshots", "retry", "--stuck", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"snapshot {snapshot_id} " in dry.output
    assert "would have: retried 1 stuck snapshot(s)" in dry.output
    assert admin.db(state) == (SnapshotStatus.RUNNING, 1)
    result = admin("snapshots", "retry", "--stuck")
    assert result.exit_code == 0, result.output
    assert "retried 1 stuck snapshot(s)" in result.output
    # Queued again and run here (no Redis): a user without Spotify ends it FAILED, tried twice.
    assert admin.db(state) == (SnapshotStatus.FAILED, 2)
    assert "retried 0" in admin("snapshots", "retry", "--stuck").output
