"""``mixtape admin keys rotate``: interrupted, resumed, every token still decryptable."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from graphql_api.auth.key_rotation import rotate_token_keys
from graphql_api.auth.spotify_accounts import save_link, stored_tokens
from graphql_api.db.models import SpotifyAccount, User
from graphql_api.resources import Resources
from graphql_api.settings import Settings
from graphql_api.spotify.credentials import under_current_key
from graphql_api.spotify.oauth import TokenSet
from tests.admin.conftest import Admin

OLD = "the-old-secret-key-of-this-deployment-0001"
NEW = "the-new-secret-key-of-this-deployment-0002"
USERS = 3


class Interrupted(Exception):
    pass


def linked_users(admin: Admin, settings: Settings) -> None:
    """USERS users whose Spotify tokens are encrypted under ``settings``' key."""

    async def create(resources: Resources) -> None:
        import datetime as dt

        async with resources.sessionmaker() as session:
            for number in range(USERS):
                user = User(display_name=f"user {number}")
                session.add(user)
                await session.flush()
                tokens = TokenSet(
                    access_token=f"access-{number}",
                    refresh_token=f"refresh-{number}",
                    expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
                    scopes=("user-library-read",),
                )
                profile = {"id": f"spotify-{number}", "display_name": user.display_name}
                await save_link(session, user.id, profile, tokens, settings=settings)
            await session.commit()

    admin.db(create)


def tokens_under(admin: Admin, settings: Settings) -> list[tuple[str, str | None, bool]]:
    """Each link's tokens decrypted with ``settings``, and whether its current key wrote them."""

    async def read(resources: Resources) -> list[tuple[str, str | None, bool]]:
        async with resources.sessionmaker() as session:
            accounts = (
                await session.scalars(select(SpotifyAccount).order_by(SpotifyAccount.user_id))
            ).all()
        found = []
        for account in accounts:
            tokens = stored_tokens(settings, account)
            current = under_current_key(settings, account.access_token_encrypted)
            found.append((tokens.access_token, tokens.refresh_token, current))
        return found

    return admin.db(read)


def test_rotation_interrupted_then_resumed_leaves_every_token_readable_under_the_new_key_alone(
    admin: Admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = admin.settings.model_copy(update={"secret_key": SecretStr(OLD)})
    rotating = admin.settings.model_copy(
        update={"secret_key": SecretStr(NEW), "previous_secret_keys": [SecretStr(OLD)]}
    )
    new_only = admin.settings.model_copy(update={"secret_key": SecretStr(NEW)})
    linked_users(admin, old)

    async def interrupted(resources: Resources) -> None:
        async def stop(_last: int) -> None:
            raise Interrupted

        await rotate_token_keys(resources.sessionmaker, rotating, batch_size=1, after_batch=stop)

    with pytest.raises(Interrupted):
        admin.db(interrupted)
    # The first batch is committed; the rest still opens under the old key only.
    assert [current for *_, current in tokens_under(admin, rotating)] == [True, False, False]

    monkeypatch.setenv("MIXTAPE_SECRET_KEY", NEW)
    monkeypatch.setenv("MIXTAPE_PREVIOUS_SECRET_KEYS", OLD)
    from graphql_api.settings import get_settings

    get_settings.cache_clear()
    dry = admin("keys", "rotate", "--batch-size", "1", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would have: re-encrypted 2 of 3" in dry.output
    resumed = admin("keys", "rotate", "--batch-size", "1")
    assert resumed.exit_code == 0, resumed.output
    assert "re-encrypted 2 of 3 Spotify link(s); 0 unreadable" in resumed.output
    expected = [(f"access-{n}", f"refresh-{n}", True) for n in range(USERS)]
    assert tokens_under(admin, new_only) == expected
    again = admin("keys", "rotate")
    assert "re-encrypted 0 of 3" in again.output


def test_rotation_reports_links_no_known_key_opens(
    admin: Admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    linked_users(admin, admin.settings.model_copy(update={"secret_key": SecretStr(OLD)}))
    monkeypatch.setenv("MIXTAPE_SECRET_KEY", NEW)  # the old key is not given
    from graphql_api.settings import get_settings

    get_settings.cache_clear()
    result = admin("keys", "rotate")
    assert result.exit_code == 1
    assert "re-encrypted 0 of 3 Spotify link(s); 3 unreadable" in result.output
    assert "MIXTAPE_PREVIOUS_SECRET_KEYS" in result.output


def test_rotation_re_encrypts_pending_spotify_link_codes_and_login_codes_need_no_key(
    admin: Admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link consented to before the rotation completes after the old key is dropped; a
    login code (stored as a hash) is traded as before."""
    import datetime as dt

    from graphql_api.auth.login_codes import exchange_login_code, issue_login_code
    from graphql_api.auth.spotify_link import complete, hold
    from graphql_api.auth.spotify_login import SpotifyIdentity

    old = admin.settings.model_copy(update={"secret_key": SecretStr(OLD)})
    new_only = admin.settings.model_copy(update={"secret_key": SecretStr(NEW)})

    async def pending(resources: Resources) -> tuple[int, str, str]:
        async with resources.sessionmaker() as session:
            user = User(display_name="linking")
            session.add(user)
            await session.flush()
            tokens = TokenSet(
                access_token="held-access",
                refresh_token="held-refresh",
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
                scopes=("user-library-read",),
            )
            identity = SpotifyIdentity({"id": "spotify-held", "display_name": "H"}, tokens)
            link_code, _ = await hold(session, old, user_id=user.id, identity=identity)
            login_code = await issue_login_code(session, old, user_id=user.id)
            await session.commit()
            return user.id, link_code, login_code

    user_id, link_code, login_code = admin.db(pending)
    monkeypatch.setenv("MIXTAPE_SECRET_KEY", NEW)
    monkeypatch.setenv("MIXTAPE_PREVIOUS_SECRET_KEYS", OLD)
    from graphql_api.settings import get_settings

    get_settings.cache_clear()
    result = admin("keys", "rotate")
    assert result.exit_code == 0, result.output
    assert "Pending link codes: 1 of 1 re-encrypted, 0 burnt" in result.output

    async def after_old_key_is_dropped(resources: Resources) -> tuple[int, str | None, int]:
        async with resources.sessionmaker() as session:
            linked = (await complete(session, new_only, user_id=user_id, code=link_code)).unwrap()
            issued = await exchange_login_code(session, new_only, login_code)
            await session.commit()
            account = await session.get(SpotifyAccount, user_id)
            assert account is not None
            return linked, stored_tokens(new_only, account).refresh_token, issued.user_id

    assert admin.db(after_old_key_is_dropped) == (user_id, "held-refresh", user_id)
