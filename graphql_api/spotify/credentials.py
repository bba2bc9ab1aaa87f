"""Spotify tokens at rest: encrypted with a key derived from the server's secret.

The key is HKDF(SHA-256) of ``settings.secret_key``; ``previous_secret_keys`` still
decrypt (``MultiFernet``), so rotating the secret does not unlink anybody. Tokens are
never logged and never returned by the API: only this module and ``tokens.py`` see them.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.models import SpotifyAccount
from graphql_api.errors import Conflict
from graphql_api.settings import Settings
from graphql_api.spotify.errors import SpotifyRelinkRequired
from graphql_api.spotify.oauth import TokenSet

_HKDF_INFO = b"mixtape/spotify-tokens/v1"


def _fernet(secret: SecretStr) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret.get_secret_value().encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def token_cipher(settings: Settings) -> MultiFernet:
    """Encrypts with the current secret; decrypts with it or any previous one."""
    return MultiFernet([_fernet(settings.secret_key), *map(_fernet, settings.previous_secret_keys)])


def encrypt_token(settings: Settings, token: str) -> bytes:
    return token_cipher(settings).encrypt(token.encode())


def decrypt_token(settings: Settings, blob: bytes) -> str:
    """Decrypt a stored token; a blob no known key opens means the user must link again."""
    try:
        return token_cipher(settings).decrypt(blob).decode()
    except InvalidToken:
        raise SpotifyRelinkRequired(
            "the stored Spotify link cannot be read (server secret changed); connect again"
        ) from None


@dataclass(frozen=True)
class StoredTokens:
    """A link's decrypted tokens. Keep these in memory only."""

    access_token: str
    refresh_token: str | None
    expires_at: dt.datetime
    scopes: tuple[str, ...]

    def __repr__(self) -> str:
        return f"StoredTokens(expires_at={self.expires_at.isoformat()})"


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
    other = await link_of_spotify_user(session, spotify_user_id)
    if other is not None and other.user_id != user_id:
        raise Conflict("this Spotify account is already linked to another Mixtape user")
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
