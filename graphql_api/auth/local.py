"""Local accounts: register and log in with an email address and a password."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth import passwords, rate_limit
from graphql_api.auth.outcome import Outcome
from graphql_api.auth.rate_limit import Attempt
from graphql_api.auth.sessions import IssuedSession, start_session
from graphql_api.db.models import User
from graphql_api.errors import BadUserInput, Conflict, Unauthenticated
from graphql_api.kit.text import normalize_email as canonical_email
from graphql_api.settings import Settings

# Deliberately loose: one "@", something on each side, a dot in the domain. The only
# real check of an address is mail reaching it.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_DISPLAY_NAME = 200
MAX_EMAIL = 320


def normalize_email(email: str) -> str:
    """The stored form of an address (:func:`~graphql_api.kit.text.normalize_email`);
    BAD_USER_INPUT if malformed. Registering and logging in both go through here."""
    normalized = canonical_email(email)
    if len(normalized) > MAX_EMAIL or not _EMAIL.match(normalized):
        raise BadUserInput("That is not a valid email address.", field="email")
    return normalized


def clean_display_name(display_name: str) -> str:
    """The stored form of a display name: inner whitespace collapsed; BAD_USER_INPUT when
    empty or too long."""
    name = " ".join(display_name.split())
    if not name:
        raise BadUserInput("The display name must not be empty.", field="displayName")
    if len(name) > MAX_DISPLAY_NAME:
        raise BadUserInput(
            f"The display name must be at most {MAX_DISPLAY_NAME} characters.",
            field="displayName",
        )
    return name


async def register(
    session: AsyncSession, settings: Settings, *, email: str, password: str, display_name: str
) -> IssuedSession:
    """Create a local account and log it in; CONFLICT when the email is taken."""
    normalized = normalize_email(email)
    name = clean_display_name(display_name)
    passwords.check_policy(password, email=normalized)
    taken = await session.scalar(select(func.count()).where(User.email == normalized))
    if taken:
        raise Conflict("An account with this email address already exists.", field="email")
    user = User(
        email=normalized, display_name=name, password_hash=passwords.hash_password(password)
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as error:
        # The unique index settles a race between two registrations of one address.
        raise Conflict(
            "An account with this email address already exists.", field="email"
        ) from error
    return await start_session(session, settings, user_id=user.id, method="password")


async def begin_login(session: AsyncSession, *, email: str, address: str | None) -> Attempt:
    """Count a login attempt before its password is checked; the caller commits it, then
    calls :func:`login` in a new transaction (see :mod:`graphql_api.auth.rate_limit`)."""
    # No account has a malformed address (and an overlong one would not fit the attempts
    # table): refused before it is counted.
    normalized = normalize_email(email)
    return await rate_limit.record_attempt(session, email=normalized, address=address)


async def login(
    session: AsyncSession, settings: Settings, *, attempt: Attempt, password: str
) -> Outcome[IssuedSession]:
    """Log in with a password; a refusal or a failure is returned, to raise after the commit."""
    limited = await rate_limit.judge(session, settings, attempt)
    if limited is not None:
        return Outcome.fail(limited)
    user = await session.scalar(select(User).where(User.email == attempt.email))
    # Verify even without a user, so that the answer takes as long either way.
    if not passwords.verify_password(user.password_hash if user else None, password):
        # The attempt's rows stay: they are the record of this failure.
        return Outcome.fail(Unauthenticated("Wrong email address or password."))
    assert user is not None
    assert user.password_hash is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    await rate_limit.succeeded(session, attempt)
    return Outcome.ok(await start_session(session, settings, user_id=user.id, method="password"))
