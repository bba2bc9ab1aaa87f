"""Local accounts: register and log in with an email address and a password."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.auth import passwords, rate_limit
from graphql_api.auth.outcome import Outcome
from graphql_api.auth.rate_limit import Attempt
from graphql_api.auth.sessions import IssuedSession, start_session
from graphql_api.auth.signup import check_signup_open
from graphql_api.db.models import User
from graphql_api.errors import BadUserInput, Conflict, Unauthenticated
from graphql_api.kit.text import canonical_email
from graphql_api.settings import Settings

# Deliberately loose: one "@", something on each side, a dot in the domain. The only
# real check of an address is mail reaching it.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_DISPLAY_NAME = 200
MAX_EMAIL = 320


def normalize_email(email: str) -> str:
    """The stored form of an address (:func:`~graphql_api.kit.text.canonical_email`);
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


@dataclass(frozen=True)
class NewAccount:
    """A registration checked and hashed, ready to be stored."""

    email: str
    display_name: str
    password_hash: str


async def prepare_account(
    settings: Settings, *, email: str, password: str, display_name: str
) -> NewAccount:
    """Check a registration and hash its password; call it outside any transaction (the
    hash may wait its turn in the hashing pool). FORBIDDEN when sign-up is off."""
    check_signup_open(settings)
    normalized = normalize_email(email)
    name = clean_display_name(display_name)
    passwords.check_policy(password, email=normalized)
    password_hash = await passwords.password_hashing(settings).hash(password)
    return NewAccount(email=normalized, display_name=name, password_hash=password_hash)


async def register(session: AsyncSession, settings: Settings, account: NewAccount) -> IssuedSession:
    """Create a local account and log it in; CONFLICT when the email is taken."""
    taken = await session.scalar(select(func.count()).where(User.email == account.email))
    if taken:
        raise Conflict("An account with this email address already exists.", field="email")
    user = User(
        email=account.email, display_name=account.display_name, password_hash=account.password_hash
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
    calls :func:`judge_login` in a new transaction (see :mod:`graphql_api.auth.rate_limit`)."""
    # No account has a malformed address (and an overlong one would not fit the attempts
    # table): refused before it is counted.
    normalized = normalize_email(email)
    return await rate_limit.record_attempt(session, email=normalized, address=address)


@dataclass(frozen=True)
class Candidate:
    """A counted attempt the rate limit let through, with the account it names (if any)."""

    attempt: Attempt
    user_id: int | None
    password_hash: str | None


@dataclass(frozen=True)
class VerifiedLogin:
    """An attempt whose password matched; ``new_hash`` when the old one needs redoing."""

    attempt: Attempt
    user_id: int
    new_hash: str | None


async def judge_login(
    session: AsyncSession, settings: Settings, attempt: Attempt
) -> Outcome[Candidate]:
    """The account an attempt may check its password against; a refusal is returned,
    to raise after the commit."""
    limited = await rate_limit.judge(session, settings, attempt)
    if limited is not None:
        return Outcome.fail(limited)
    user = await session.scalar(select(User).where(User.email == attempt.email))
    return Outcome.ok(
        Candidate(
            attempt=attempt,
            user_id=user.id if user else None,
            password_hash=user.password_hash if user else None,
        )
    )


async def check_password(settings: Settings, candidate: Candidate, password: str) -> VerifiedLogin:
    """UNAUTHENTICATED unless ``password`` is the candidate's; call it outside any
    transaction. A failure needs no write: the attempt's committed rows record it."""
    hashing = passwords.password_hashing(settings)
    # Verified even without a user, so that the answer takes as long either way.
    matches = await hashing.verify(candidate.password_hash, password)
    if not matches or candidate.user_id is None or candidate.password_hash is None:
        raise Unauthenticated("Wrong email address or password.")
    new_hash = None
    if hashing.needs_rehash(candidate.password_hash):
        new_hash = await hashing.hash(password)
    return VerifiedLogin(attempt=candidate.attempt, user_id=candidate.user_id, new_hash=new_hash)


async def finish_login(
    session: AsyncSession, settings: Settings, verified: VerifiedLogin
) -> IssuedSession:
    """Start the session of a verified login (and store a redone hash)."""
    user = await session.get(User, verified.user_id)
    if user is None:  # deleted while its password was being checked
        raise Unauthenticated("Wrong email address or password.")
    if verified.new_hash is not None:
        user.password_hash = verified.new_hash
    await rate_limit.succeeded(session, verified.attempt)
    return await start_session(session, settings, user_id=user.id, method="password")
