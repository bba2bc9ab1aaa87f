"""One-time login codes: a Spotify or OpenID Connect callback hands the browser a code, not a token.

The frontend trades the code for a session with ``exchangeLoginCode``. Codes live a couple
of minutes, are stored hashed, and are spent by a conditional UPDATE, so of two requests
presenting the same code (in one process or several) exactly one succeeds.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth.one_time import spend_once
from graphql_api.auth.secrets import new_token, token_hash
from graphql_api.auth.sessions import IssuedSession, start_session
from graphql_api.db.base import utcnow
from graphql_api.db.models import LoginCode
from graphql_api.errors import Unauthenticated
from graphql_api.settings import Settings


async def issue_login_code(
    session: AsyncSession, settings: Settings, *, user_id: int, method: str = "spotify"
) -> str:
    """A new single-use code standing for a login of ``user_id`` (by ``method``)."""
    code = new_token()
    session.add(
        LoginCode(
            code_hash=token_hash(code),
            user_id=user_id,
            method=method,
            expires_at=utcnow() + dt.timedelta(seconds=settings.auth_login_code_ttl_s),
        )
    )
    await session.flush()
    return code


async def exchange_login_code(
    session: AsyncSession, settings: Settings, code: str
) -> IssuedSession:
    """Spend ``code`` and open a session; UNAUTHENTICATED when unknown, expired or spent."""
    row = await spend_once(session, LoginCode, LoginCode.code_hash, code)
    if row is None:
        raise Unauthenticated(
            "This login code is unknown, expired or already used.", reason="LOGIN_CODE_INVALID"
        )
    return await start_session(session, settings, user_id=row.user_id, method=row.method)
