"""Re-encrypting every stored Spotify token under the current secret key.

Rotation: set ``MIXTAPE_SECRET_KEY`` to the new secret and ``MIXTAPE_PREVIOUS_SECRET_KEYS``
to the old one, restart, then run ``mixtape admin keys rotate``. Rows are rewritten in
batches, each in a transaction of its own, in user-id order; a row already under the
current key is left alone, so an interrupted run is simply run again (it resumes where
the work is). Once it reports nothing left, the old key can be dropped.

Spotify links waiting to be completed (``spotify_link_codes``: a consented authorization
held for a few minutes) keep their tokens encrypted the same way, so the run re-encrypts
the pending ones too; a pending one no known key opens is burnt (its owner runs
``linkSpotify`` again, as after an expiry). Nothing else needs it: login codes, identity
link codes, OAuth and OpenID Connect states and refresh tokens are stored as SHA-256
hashes, which no key enters.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.base import utcnow
from graphql_api.db.models import SpotifyAccount, SpotifyLinkCode
from graphql_api.settings import Settings
from graphql_api.spotify.credentials import reencrypt, under_current_key

AfterBatch = Callable[[int], Awaitable[None]]


@dataclass
class Rotation:
    """What a run found: links checked, rewritten, and unreadable under every known key."""

    checked: int = 0
    rotated: int = 0
    unreadable: int = 0
    # Pending Spotify link codes: checked, rewritten, burnt (no known key opens them).
    codes_checked: int = 0
    codes_rotated: int = 0
    codes_burnt: int = 0


def _rotate_row(settings: Settings, account: SpotifyAccount, rotation: Rotation) -> bool:
    blobs = [account.access_token_encrypted, account.refresh_token_encrypted]
    if all(blob is None or under_current_key(settings, blob) for blob in blobs):
        return False
    try:
        access = reencrypt(settings, account.access_token_encrypted)
        refresh = account.refresh_token_encrypted
        refresh = reencrypt(settings, refresh) if refresh is not None else None
    except InvalidToken:
        rotation.unreadable += 1  # no known key opens it: the user must link again
        return False
    account.access_token_encrypted, account.refresh_token_encrypted = access, refresh
    return True


async def _in_batches(
    sessionmaker: async_sessionmaker[AsyncSession],
    page: Callable[[int], Select[Any]],
    key: Callable[[Any], int],
    rewrite: Callable[[Any], None],
    *,
    dry_run: bool,
    after_batch: AfterBatch | None = None,
) -> None:
    """``rewrite`` every row ``page(after key)`` selects, batch by batch, each batch in a
    transaction of its own (rolled back on a dry run). On PostgreSQL a batch locks its rows:
    a concurrent token refresh or link completion waits for it (and then writes under the
    current key itself)."""
    last = 0
    while True:
        async with sessionmaker() as session:
            statement = page(last)
            if session.get_bind().dialect.name == "postgresql":
                statement = statement.with_for_update()
            rows = list(await session.scalars(statement))
            if not rows:
                return
            for row in rows:
                rewrite(row)
            last = key(rows[-1])
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
        if after_batch is not None:
            await after_batch(last)


async def rotate_token_keys(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    batch_size: int = 100,
    dry_run: bool = False,
    after_batch: AfterBatch | None = None,
) -> Rotation:
    """Re-encrypt every link, and every pending link code, not yet under the current key
    (see the module docstring).

    ``after_batch(last user id)`` runs after each committed batch of links (progress;
    tests stop a run there). A dry run rolls every batch back and only counts.
    """
    rotation = Rotation()

    def links_after(last: int) -> Select[Any]:
        return (
            select(SpotifyAccount)
            .where(SpotifyAccount.user_id > last)
            .order_by(SpotifyAccount.user_id)
            .limit(batch_size)
        )

    def rotate_link(account: SpotifyAccount) -> None:
        rotation.checked += 1
        rotation.rotated += _rotate_row(settings, account, rotation)

    def codes_after(last: int) -> Select[Any]:
        return (
            select(SpotifyLinkCode)
            .where(
                SpotifyLinkCode.id > last,
                SpotifyLinkCode.identity_encrypted.is_not(None),
                SpotifyLinkCode.used_at.is_(None),
            )
            .order_by(SpotifyLinkCode.id)
            .limit(batch_size)
        )

    now = utcnow()

    def rotate_code(code: SpotifyLinkCode) -> None:
        """A pending link's held authorization; burnt when no known key opens it."""
        rotation.codes_checked += 1
        blob = code.identity_encrypted
        if blob is None or under_current_key(settings, blob):
            return
        try:
            code.identity_encrypted = reencrypt(settings, blob)
            rotation.codes_rotated += 1
        except InvalidToken:
            code.identity_encrypted, code.used_at = None, now
            rotation.codes_burnt += 1

    await _in_batches(
        sessionmaker,
        links_after,
        lambda account: account.user_id,
        rotate_link,
        dry_run=dry_run,
        after_batch=after_batch,
    )
    await _in_batches(sessionmaker, codes_after, lambda code: code.id, rotate_code, dry_run=dry_run)
    return rotation
