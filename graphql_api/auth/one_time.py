"""Spending a one-time secret (an OAuth state, a login or link code): once, before it expires."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from graphql_api.auth.secrets import token_hash
from graphql_api.db.base import utcnow
from graphql_api.db.models import (
    IdentityLinkCode,
    LoginCode,
    OAuthState,
    OidcState,
    SpotifyLinkCode,
)
from graphql_api.errors import BadUserInput

OneTime = TypeVar("OneTime", OAuthState, OidcState, LoginCode, SpotifyLinkCode, IdentityLinkCode)


async def spend_once(
    session: AsyncSession,
    model: type[OneTime],
    hash_column: InstrumentedAttribute[str],
    secret: str,
) -> OneTime | None:
    """The row of ``secret``, marked used; None when unknown, expired or already used.

    A conditional UPDATE decides, so of any number of concurrent requests presenting
    the same secret, in any number of processes, exactly one gets the row.
    """
    now = utcnow()
    digest = token_hash(secret)
    spent = await session.execute(
        update(model)
        .where(hash_column == digest, model.used_at.is_(None), model.expires_at > now)
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return await session.scalar(select(model).where(hash_column == digest))


LinkCode = TypeVar("LinkCode", SpotifyLinkCode, IdentityLinkCode)


async def link_code_refusal(
    session: AsyncSession, model: type[LinkCode], user_id: int, code: str, *, again: str
) -> BadUserInput:
    """Why ``user_id`` cannot spend the link ``code`` (``again``: the mutation to run anew).

    Only the owner learns more than ``LINK_CODE_INVALID`` (``LINK_CODE_USED``,
    ``LINK_CODE_EXPIRED``): nobody else may probe codes.
    """
    row = await session.scalar(
        select(model).where(model.code_hash == token_hash(code), model.user_id == user_id)
    )
    if row is None:
        return invalid_link_code()
    if row.used_at is not None:
        return BadUserInput(
            f"This link code was already used; run {again} again.",
            field="code",
            reason="LINK_CODE_USED",
        )
    return BadUserInput(
        f"This link code has expired; run {again} again.",
        field="code",
        reason="LINK_CODE_EXPIRED",
    )


def invalid_link_code() -> BadUserInput:
    return BadUserInput(
        "This link code is not valid for your account.", field="code", reason="LINK_CODE_INVALID"
    )
