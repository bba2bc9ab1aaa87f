"""A user's Spotify link in the database, and the token store the Spotify client is given.

The link row keeps the tokens encrypted (``graphql_api/spotify/credentials.py``). Only this
module reads or writes them; the token manager reaches them through :class:`SqlTokenStore`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graphql_api.db.models import SpotifyAccount
from graphql_api.errors import Conflict
from graphql_api.settings import Settings
from graphql_api.spotify.credentials import StoredTokens, decrypt_token, encrypt_token
from graphql_api.spotify.oauth import TokenSet
from graphql_api.spotify.tokens import relink_required


def stored_tokens(settings: Settings, account: SpotifyAccount) -> StoredTokens:
    """Decrypt an account row's tokens."""
    refresh = account.refresh_token_encrypted
    return StoredTokens(
        access_token=decrypt_token(settings, account.access_token_encrypted),
        refresh_token=decrypt_token(settings, refresh) if refresh is not None else None,
        expires_at=account.access_token_expires_at,
        scopes=tuple(account.scopes.split()),
    )


def store_tokens(settings: Settings, account: SpotifyAccount, tokens: TokenSet) -> None:
    """Write fresh tokens into ``account`` (keeping the old refresh token when none came)."""
    account.access_token_encrypted = encrypt_token(settings, tokens.access_token)
    if tokens.refresh_token is not None:
        account.refresh_token_encrypted = encrypt_token(settings, tokens.refresh_token)
    account.access_token_expires_at = tokens.expires_at
    if tokens.scopes:
        account.scopes = " ".join(tokens.scopes)
    account.needs_relink = False


async def load_link(session: AsyncSession, user_id: int) -> SpotifyAccount | None:
    """The user's Spotify link row, if any."""
    return await session.get(SpotifyAccount, user_id, populate_existing=True)


async def link_of_spotify_user(
    session: AsyncSession, spotify_user_id: str
) -> SpotifyAccount | None:
    """The link for a Spotify user id (login "with Spotify" finds its Mixtape user here)."""
    result = await session.execute(
        select(SpotifyAccount).where(SpotifyAccount.spotify_user_id == spotify_user_id)
    )
    return result.scalar_one_or_none()


async def check_not_linked_elsewhere(
    session: AsyncSession, user_id: int, spotify_user_id: str
) -> None:
    """CONFLICT when ``spotify_user_id`` is linked to a Mixtape user other than ``user_id``
    (one Spotify account, one Mixtape user)."""
    other = await link_of_spotify_user(session, spotify_user_id)
    if other is not None and other.user_id != user_id:
        raise Conflict("this Spotify account is already linked to another Mixtape user")


async def save_link(
    session: AsyncSession,
    user_id: int,
    spotify_profile: dict[str, Any],
    tokens: TokenSet,
    *,
    settings: Settings,
) -> SpotifyAccount:
    """Create or update the user's link from a ``GET /me`` profile and fresh tokens.

    Does not commit (the caller owns the transaction). Raises ``Conflict`` when the
    Spotify account is already linked to another Mixtape user.
    """
    spotify_user_id = spotify_profile.get("id")
    if not isinstance(spotify_user_id, str) or not spotify_user_id:
        raise ValueError("a Spotify profile needs an id")
    await check_not_linked_elsewhere(session, user_id, spotify_user_id)
    account = await load_link(session, user_id)
    if account is None:
        account = SpotifyAccount(user_id=user_id, spotify_user_id=spotify_user_id)
        session.add(account)
    account.spotify_user_id = spotify_user_id
    name = spotify_profile.get("display_name")
    account.display_name = name if isinstance(name, str) else None
    product = spotify_profile.get("product")
    account.product = product if isinstance(product, str) else None
    if tokens.refresh_token is None and account.refresh_token_encrypted is None:
        raise ValueError("a new Spotify link needs a refresh token")
    store_tokens(settings, account, tokens)
    await session.flush()
    return account


class SqlTokenStore:
    """The :class:`~graphql_api.spotify.tokens.TokenStore` over the link rows."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings

    async def load(self, user_id: int) -> StoredTokens:
        """The user's decrypted tokens; SPOTIFY_RELINK_REQUIRED without a usable link."""
        async with self.sessionmaker() as session:
            account = await load_link(session, user_id)
            if account is None or account.needs_relink:
                raise relink_required(missing=account is None)
            return stored_tokens(self.settings, account)

    async def replace(self, user_id: int, *, used: str, fresh: TokenSet) -> StoredTokens:
        """Commit refreshed tokens, unless a new link replaced the one refreshed."""
        async with self.sessionmaker() as session:
            account = await load_link(session, user_id)
            if account is None:
                raise relink_required(missing=True)
            current = stored_tokens(self.settings, account)
            if current.refresh_token != used:
                # A new link (perhaps another Spotify account) replaced the one refreshed.
                return current
            store_tokens(self.settings, account, fresh)
            # The store owns this boundary: one token write, durable at once.
            await session.commit()
            return stored_tokens(self.settings, account)

    async def mark_relink(self, user_id: int, reason: str) -> None:
        """Flag the link as needing re-authorization, in a transaction of its own."""
        async with self.sessionmaker() as session:
            account = await load_link(session, user_id)
            if account is not None:
                account.needs_relink = True
                await session.commit()
