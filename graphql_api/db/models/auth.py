"""Authentication state: sessions and their refresh tokens, OAuth states, login and link codes,
attempts.

Every secret a client holds (refresh token, login code, OAuth state) is stored only as its
SHA-256 hash: they are long random strings, so a fast hash suffices, and a leaked table
grants nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, CreatedAt, IntPK


class AuthSession(Base):
    """A login: one family of refresh tokens. Revoking it ends every token of the family."""

    __tablename__ = "auth_sessions"

    id: Mapped[IntPK]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # How the session began: "password", "spotify", "oidc".
    method: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[CreatedAt]
    last_refreshed_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    # "logout", "refresh_token_reuse", ...: kept for the audit trail.
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class RefreshToken(Base):
    """One opaque refresh token of a session; spent once it has been rotated."""

    __tablename__ = "refresh_tokens"

    id: Mapped[IntPK]
    session_id: Mapped[int] = mapped_column(
        ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    spent_at: Mapped[dt.datetime | None]


class OAuthState(Base):
    """A pending Spotify authorization: usable once, before it expires."""

    __tablename__ = "oauth_states"

    id: Mapped[IntPK]
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_verifier: Mapped[str] = mapped_column(String(128))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    redirect_to: Mapped[str | None] = mapped_column(String(2048))
    # Set when a logged-in user links Spotify rather than logging in with it.
    linking_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    used_at: Mapped[dt.datetime | None]


class LoginCode(Base):
    """A one-time code the frontend trades for a session, so no token travels in a URL."""

    __tablename__ = "login_codes"

    id: Mapped[IntPK]
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The session's method once traded: "spotify" or "oidc".
    method: Mapped[str] = mapped_column(String(16), default="spotify", server_default="spotify")
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    used_at: Mapped[dt.datetime | None]


class LoginAttempt(Base):
    """A failed login, counted per account and per client address within a window."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_created_at", "key", "created_at"),)

    id: Mapped[IntPK]
    # "account:<email>" or "address:<ip>"; "login-start:<ip>" counts `/auth/spotify/login`.
    key: Mapped[str] = mapped_column(String(400))
    # Indexed alone too: the prune job deletes by age across every key.
    created_at: Mapped[CreatedAt] = mapped_column(index=True)


class SpotifyLinkCode(Base):
    """A Spotify authorization a user consented to, waiting for the account that started the
    link to complete it with ``completeSpotifyLink`` (graphql_api/auth/spotify_link.py)."""

    __tablename__ = "spotify_link_codes"

    id: Mapped[IntPK]
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The account that asked for the link: the only one that may complete it.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The Spotify profile and tokens, encrypted like a link's tokens; emptied once spent.
    identity_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    used_at: Mapped[dt.datetime | None]


class OidcState(Base):
    """A pending OpenID Connect sign-in or link (graphql_api/auth/oidc_login.py): usable
    once, before it expires, and for a sign-in only from the browser that started it."""

    __tablename__ = "oidc_states"

    id: Mapped[IntPK]
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # MIXTAPE_OIDC_PROVIDERS name.
    provider: Mapped[str] = mapped_column(String(32))
    # Sent to the provider and expected back in the ID token.
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    # The hash of the cookie the starting browser got; None for a link (its owner
    # completes it with a link code instead).
    browser_hash: Mapped[str | None] = mapped_column(String(64))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    redirect_to: Mapped[str | None] = mapped_column(String(2048))
    linking_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    used_at: Mapped[dt.datetime | None]


class IdentityLinkCode(Base):
    """A provider identity someone consented to link, waiting for the account that started
    the link to complete it with ``completeIdentityLink``."""

    __tablename__ = "identity_link_codes"

    id: Mapped[IntPK]
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    used_at: Mapped[dt.datetime | None]
