"""The prune_auth cron job: expired and useless authentication rows go, live ones stay."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from graphql_api.auth.prune import prune_auth
from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    AuthSession,
    IdentityLinkCode,
    LoginAttempt,
    LoginCode,
    OAuthState,
    OidcState,
    RefreshToken,
    SpotifyLinkCode,
    User,
)
from graphql_api.resources import Resources
from graphql_api.settings import Settings

HOUR = dt.timedelta(hours=1)


def _state(name: str, expires_at: dt.datetime, used: bool = False) -> OAuthState:
    return OAuthState(
        state_hash=name,
        code_verifier="v",
        redirect_uri="http://127.0.0.1/cb",
        expires_at=expires_at,
        used_at=utcnow() if used else None,
    )


def _oidc_state(name: str, expires_at: dt.datetime) -> OidcState:
    return OidcState(
        state_hash=name,
        provider="test",
        nonce="n",
        code_verifier="v",
        redirect_uri="http://127.0.0.1/cb",
        expires_at=expires_at,
    )


def _identity_link(name: str, user_id: int, expires_at: dt.datetime) -> IdentityLinkCode:
    return IdentityLinkCode(
        code_hash=name, user_id=user_id, provider="test", subject="s", expires_at=expires_at
    )


async def _names(resources: Resources, column: Any) -> set[str]:
    async with resources.sessionmaker() as session:
        return set(await session.scalars(select(column)))


async def test_expired_rows_go_and_live_rows_stay(resources: Resources, settings: Settings) -> None:
    now = utcnow()
    async with resources.sessionmaker() as session:
        user = User(display_name="Ada")
        session.add(user)
        await session.flush()
        open_session = AuthSession(user_id=user.id, method="password")
        ended_session = AuthSession(
            user_id=user.id, method="password", revoked_at=now, revoked_reason="logout"
        )
        session.add_all([open_session, ended_session])
        await session.flush()
        session.add_all(
            [
                _state("state-expired", now - HOUR),
                _state("state-used-expired", now - HOUR, used=True),
                _state("state-live", now + HOUR),
                _oidc_state("oidc-expired", now - HOUR),
                _oidc_state("oidc-live", now + HOUR),
                _identity_link("identity-link-expired", user.id, now - HOUR),
                _identity_link("identity-link-live", user.id, now + HOUR),
                LoginCode(code_hash="code-expired", user_id=user.id, expires_at=now - HOUR),
                LoginCode(code_hash="code-live", user_id=user.id, expires_at=now + HOUR),
                SpotifyLinkCode(
                    code_hash="link-expired",
                    user_id=user.id,
                    identity_encrypted=b"x",
                    expires_at=now - HOUR,
                ),
                SpotifyLinkCode(
                    code_hash="link-live",
                    user_id=user.id,
                    identity_encrypted=b"x",
                    expires_at=now + HOUR,
                ),
                RefreshToken(
                    session_id=open_session.id, token_hash="rt-expired", expires_at=now - HOUR
                ),
                RefreshToken(
                    session_id=open_session.id, token_hash="rt-live", expires_at=now + HOUR
                ),
                # Kept: presenting it again must still revoke its open session.
                RefreshToken(
                    session_id=open_session.id,
                    token_hash="rt-spent-open-session",
                    expires_at=now + HOUR,
                    spent_at=now,
                ),
                RefreshToken(
                    session_id=ended_session.id,
                    token_hash="rt-spent-ended-session",
                    expires_at=now + HOUR,
                    spent_at=now,
                ),
                LoginAttempt(key="address:old", created_at=now - dt.timedelta(days=1)),
                LoginAttempt(key="login-start:old", created_at=now - dt.timedelta(days=1)),
                LoginAttempt(key="address:recent", created_at=now),
                LoginAttempt(key="login-start:recent", created_at=now),
            ]
        )
        await session.commit()

    counts = await prune_auth({"resources": resources})

    assert counts == {
        "oauth_states": 2,
        "oidc_states": 1,
        "login_codes": 1,
        "link_codes": 1,
        "identity_link_codes": 1,
        "refresh_tokens": 2,
        "login_attempts": 2,
    }
    assert await _names(resources, OAuthState.state_hash) == {"state-live"}
    assert await _names(resources, OidcState.state_hash) == {"oidc-live"}
    assert await _names(resources, IdentityLinkCode.code_hash) == {"identity-link-live"}
    assert await _names(resources, LoginCode.code_hash) == {"code-live"}
    assert await _names(resources, SpotifyLinkCode.code_hash) == {"link-live"}
    assert await _names(resources, RefreshToken.token_hash) == {
        "rt-live",
        "rt-spent-open-session",
    }
    assert await _names(resources, LoginAttempt.key) == {"address:recent", "login-start:recent"}
    # Sessions are the audit trail: none is deleted.
    async with resources.sessionmaker() as session:
        assert len(list(await session.scalars(select(AuthSession.id)))) == 2
    # Nothing is left to prune: a second run deletes nothing.
    assert set((await prune_auth({"resources": resources})).values()) == {0}


async def test_prune_auth_is_a_registered_cron_job(settings: Settings) -> None:
    from graphql_api.composition import cron_jobs

    # Each cron job runs inside the metrics wrapper (graphql_api/observability/jobs.py).
    assert prune_auth in [job.coroutine.__wrapped__ for job in cron_jobs(settings)]
