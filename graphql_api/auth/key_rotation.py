"""Re-encrypting every stored Spotify token under the current secret key.

Rotation: set ``MIXTAPE_SECRET_KEY`` to the new secret and ``MIXTAPE_PREVIOUS_SECRET_KEYS``
to the old one, restart, then run ``mixtape admin keys rotate``. Rows are rewritten in
batches, each in a transaction of its own, in user-id order; a row already under the
current key is left alone, so an interrupted run is simply run again (it resumes where
the work is). Once it reports nothing left, the old key can be dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import SpotifyAccount
from graphql_api.settings import Settings
from graphql_api.spotify.credentials import reencrypt, under_current_key

AfterBatch = Callable[[int], Awaitable[None]]


@dataclass
class Rotation:
    """What a run found: links checked, rewritten, and unreadable under every known key."""

    checked: int = 0
    rotated: int = 0
    unreadable: int = 0


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


async def rotate_token_keys(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    batch_size: int = 100,
    dry_run: bool = False,
    after_batch: AfterBatch | None = None,
) -> Rotation:
    """Re-encrypt every link not yet under the current key (see the module docstring).

    ``after_batch(last user id)`` runs after each committed batch (progress; tests stop a
    run there). A dry run rolls every batch back and only counts.
    """
    rotation = Rotation()
    last = 0
    while True:
        async with sessionmaker() as session:
            statement = (
                select(SpotifyAccount)
                .where(SpotifyAccount.user_id > last)
                .order_by(SpotifyAccount.user_id)
                .limit(batch_size)
            )
            if session.get_bind().dialect.name == "postgresql":
                # A concurrent token refresh waits for the batch (and then writes under
                # the current key itself).
                statement = statement.with_for_update()
            accounts = list(await session.scalars(statement))
            if not accounts:
                return rotation
            for account in accounts:
                rotation.checked += 1
                rotation.rotated += _rotate_row(settings, account, rotation)
            last = accounts[-1].user_id
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
        if after_batch is not None:
            await after_batch(last)
