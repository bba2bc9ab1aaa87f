"""Linking Spotify to a logged-in account, completed only by the account that started it.

A link's authorize URL can be handed to someone else; if the callback linked at once, the
Spotify account of whoever consented would end up on the account that asked. So the
callback only ``hold``s the consented authorization (profile and tokens, encrypted) under a
one-time *link code* that goes to the consenting browser, and ``complete`` links it when
the account that asked presents the code with its own access token.

The code is spent by the first authenticated account that presents it. When that account
is not the one that started the link, the code is burnt and the held tokens are wiped, and
the caller gets the same answer as for a made-up code: a code in another account's hands
has leaked, and failing closed protects whoever consented (the rightful owner only has to
run ``linkSpotify`` again). The owner itself is told when its code expired or was used.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth.one_time import invalid_link_code, link_code_refusal, spend_once
from graphql_api.auth.outcome import Outcome
from graphql_api.auth.secrets import new_token, token_hash
from graphql_api.auth.spotify_accounts import check_not_linked_elsewhere, save_link
from graphql_api.auth.spotify_login import SpotifyIdentity
from graphql_api.db.base import utcnow
from graphql_api.db.models import SpotifyLinkCode
from graphql_api.settings import Settings
from graphql_api.spotify.credentials import decrypt_token, encrypt_token
from graphql_api.spotify.oauth import TokenSet

log = logging.getLogger(__name__)


async def hold(
    session: AsyncSession, settings: Settings, *, user_id: int, identity: SpotifyIdentity
) -> tuple[str, dt.datetime]:
    """Keep a consented link for ``user_id`` to complete; returns the link code and its expiry.

    A Spotify account already linked to another Mixtape user is refused here already
    (CONFLICT), so the consenting browser learns it at once.
    """
    await check_not_linked_elsewhere(session, user_id, identity.spotify_user_id)
    code = new_token()
    expires_at = utcnow() + dt.timedelta(seconds=settings.auth_link_code_ttl_s)
    session.add(
        SpotifyLinkCode(
            code_hash=token_hash(code),
            user_id=user_id,
            identity_encrypted=encrypt_token(settings, _dump(identity)),
            expires_at=expires_at,
        )
    )
    await session.flush()
    return code, expires_at


async def complete(
    session: AsyncSession, settings: Settings, *, user_id: int, code: str
) -> Outcome[int]:
    """Link the Spotify account held under ``code`` to ``user_id``, the caller.

    Fails (BAD_USER_INPUT, ``field: code``) with ``reason`` ``LINK_CODE_INVALID`` for an
    unknown code or another account's (which burns it: commit before raising),
    ``LINK_CODE_EXPIRED`` or ``LINK_CODE_USED`` for the caller's own; CONFLICT when the
    Spotify account was linked to someone else meanwhile.
    """
    row = await spend_once(session, SpotifyLinkCode, SpotifyLinkCode.code_hash, code)
    if row is None:
        return Outcome.fail(
            await link_code_refusal(session, SpotifyLinkCode, user_id, code, again="linkSpotify")
        )
    blob, row.identity_encrypted = row.identity_encrypted, None
    if row.user_id != user_id or blob is None:
        log.warning(
            "a Spotify link code of user %s was presented by user %s; burnt", row.user_id, user_id
        )
        return Outcome.fail(invalid_link_code())
    identity = _load(decrypt_token(settings, blob))
    # CONFLICT if the Spotify account was linked to someone else meanwhile.
    await save_link(session, user_id, identity.profile, identity.tokens, settings=settings)
    return Outcome.ok(user_id)


def _dump(identity: SpotifyIdentity) -> str:
    tokens = identity.tokens
    return json.dumps(
        {
            "profile": identity.profile,
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at.isoformat(),
            "scopes": list(tokens.scopes),
        }
    )


def _load(text: str) -> SpotifyIdentity:
    data = json.loads(text)
    tokens = TokenSet(
        access_token=data["access_token"],
        refresh_token=data["refresh_token"],
        expires_at=dt.datetime.fromisoformat(data["expires_at"]),
        scopes=tuple(data["scopes"]),
    )
    return SpotifyIdentity(profile=data["profile"], tokens=tokens)
