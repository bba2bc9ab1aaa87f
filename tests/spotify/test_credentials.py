"""Tokens at rest: encrypted, readable after a secret rotation, never shown in reprs."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import SecretStr

from graphql_api.auth.spotify_accounts import load_link, save_link, stored_tokens
from graphql_api.db.models import User
from graphql_api.errors import Conflict, SpotifyRelinkRequired
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from graphql_api.spotify.credentials import decrypt_token, encrypt_token
from graphql_api.spotify.oauth import TokenSet

OLD = SecretStr("o" * 40)
NEW = SecretStr("n" * 40)


def test_rotated_secret_still_decrypts(settings: Settings) -> None:
    old = settings.model_copy(update={"secret_key": OLD})
    blob = encrypt_token(old, "access-123")
    assert b"access-123" not in blob
    rotated = settings.model_copy(update={"secret_key": NEW, "previous_secret_keys": [OLD]})
    assert decrypt_token(rotated, blob) == "access-123"
    forgotten = settings.model_copy(update={"secret_key": NEW, "previous_secret_keys": []})
    with pytest.raises(SpotifyRelinkRequired):
        decrypt_token(forgotten, blob)


def _tokens(refresh: str | None, access: str = "access-secret") -> TokenSet:
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    return TokenSet(access, refresh, expires, ("user-read-private",))


async def test_save_link_creates_updates_and_refuses_a_second_owner(
    resources: Resources,
) -> None:
    settings = resources.settings
    async with resources.sessionmaker() as session:
        ann, ben = User(display_name="Ann"), User(display_name="Ben")
        session.add_all([ann, ben])
        await session.flush()
        profile = {"id": "spotify-ann", "display_name": "Ann S", "product": "premium"}
        await save_link(session, ann.id, profile, _tokens("refresh-1"), settings=settings)
        # Linked again: the new access token replaces the old one; Spotify omitted the
        # refresh token this time, so the old one stays.
        await save_link(
            session, ann.id, profile, _tokens(None, "access-secret-2"), settings=settings
        )
        with pytest.raises(Conflict):
            await save_link(session, ben.id, profile, _tokens("r"), settings=settings)
        await session.commit()
        account = await load_link(session, ann.id)
        assert account is not None
        tokens = stored_tokens(settings, account)
        assert (tokens.access_token, tokens.refresh_token) == ("access-secret-2", "refresh-1")
        assert account.spotify_user_id == "spotify-ann"
        assert await load_link(session, ben.id) is None  # refused: Ben got no link
        assert "secret" not in repr(tokens)
        assert "secret" not in repr(_tokens("x"))
        assert account.product == "premium"
