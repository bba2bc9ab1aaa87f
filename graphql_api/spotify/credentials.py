"""Spotify tokens at rest: encrypted with a key derived from the server's secret.

The key is HKDF(SHA-256) of ``settings.secret_key``; ``previous_secret_keys`` still
decrypt (``MultiFernet``), so rotating the secret does not unlink anybody. Tokens are
never logged and never returned by the API. This module only encrypts and decrypts: where
the blobs are kept is the accounts domain's business (``graphql_api/auth/spotify_accounts.py``).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr

from graphql_api.settings import Settings
from graphql_api.spotify.errors import SpotifyRelinkRequired

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


def under_current_key(settings: Settings, blob: bytes) -> bool:
    """Whether ``blob`` is encrypted with the current secret (not only a previous one)."""
    try:
        _fernet(settings.secret_key).decrypt(blob)
    except InvalidToken:
        return False
    return True


def reencrypt(settings: Settings, blob: bytes) -> bytes:
    """``blob`` encrypted again under the current secret (key rotation); raises
    ``InvalidToken`` when no known secret opens it."""
    return token_cipher(settings).rotate(blob)


@dataclass(frozen=True)
class StoredTokens:
    """A link's decrypted tokens. Keep these in memory only."""

    access_token: str
    refresh_token: str | None
    expires_at: dt.datetime
    scopes: tuple[str, ...]

    def __repr__(self) -> str:
        return f"StoredTokens(expires_at={self.expires_at.isoformat()})"
