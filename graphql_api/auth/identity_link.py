"""Linking a provider identity to a logged-in account, completed only by that account.

The same shape as linking Spotify (``spotify_link``): a link's authorize URL can be handed
to someone else, so its callback only ``hold``s the identity someone consented with under
a one-time *link code*, and ``complete`` links it when the account that started the link
presents the code with its own access token. A code presented by another account is
burnt and answered like a made-up one.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth import identities
from graphql_api.auth.one_time import invalid_link_code, link_code_refusal, spend_once
from graphql_api.auth.outcome import Outcome
from graphql_api.auth.secrets import new_token, token_hash
from graphql_api.db.base import utcnow
from graphql_api.db.models import Identity, IdentityLinkCode
from graphql_api.oidc import IdClaims
from graphql_api.settings import Settings

log = logging.getLogger(__name__)


async def hold(
    session: AsyncSession, settings: Settings, *, user_id: int, provider: str, claims: IdClaims
) -> tuple[str, dt.datetime]:
    """Keep a consented identity for ``user_id`` to link; returns the link code and its
    expiry. An identity of another account is CONFLICT already here."""
    await identities.check_not_linked_elsewhere(session, user_id, provider, claims.subject)
    code = new_token()
    expires_at = utcnow() + dt.timedelta(seconds=settings.auth_link_code_ttl_s)
    session.add(
        IdentityLinkCode(
            code_hash=token_hash(code),
            user_id=user_id,
            provider=provider,
            subject=claims.subject,
            email=claims.email[: identities.MAX_EMAIL] if claims.email else None,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return code, expires_at


async def complete(session: AsyncSession, *, user_id: int, code: str) -> Outcome[Identity]:
    """Link the identity held under ``code`` to ``user_id``, the caller.

    BAD_USER_INPUT (``field: code``) with ``reason`` ``LINK_CODE_INVALID`` for an unknown
    code or another account's (which burns it: commit before raising), ``LINK_CODE_EXPIRED``
    or ``LINK_CODE_USED`` for the caller's own; CONFLICT when the identity was linked to
    someone else meanwhile.
    """
    row = await spend_once(session, IdentityLinkCode, IdentityLinkCode.code_hash, code)
    if row is None:
        return Outcome.fail(
            await link_code_refusal(session, IdentityLinkCode, user_id, code, again="linkIdentity")
        )
    if row.user_id != user_id:
        log.warning(
            "an identity link code of user %s was presented by user %s; burnt",
            row.user_id,
            user_id,
        )
        return Outcome.fail(invalid_link_code())
    linked = await identities.attach(session, user_id, row.provider, row.subject, row.email)
    return Outcome.ok(linked)
