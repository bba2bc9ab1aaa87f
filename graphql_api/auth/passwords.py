"""Password hashing (argon2id through argon2-cffi) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graphql_api.errors import BadUserInput

MIN_LENGTH = 10
# argon2 hashes anything, but a megabyte password is a denial of service, not a secret.
MAX_LENGTH = 256
# The passwords every list of leaked passwords starts with; length rules alone let them in.
_COMMON = frozenset(
    {
        "password12",
        "password123",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "iloveyou123",
        "letmein1234",
        "0987654321",
        "1q2w3e4r5t",
        "qwerty1234",
        "mixtape123",
    }
)

# The library's defaults follow RFC 9106's recommended profile; one hasher per process.
_hasher = PasswordHasher()
# A hash to verify against when the account does not exist, so that both paths take
# about as long and a timing difference does not reveal which emails are registered.
_DUMMY_HASH = _hasher.hash("mixtape-dummy-password")


def check_policy(password: str, *, email: str | None = None) -> None:
    """BAD_USER_INPUT naming the first rule ``password`` breaks."""
    if len(password) < MIN_LENGTH:
        raise BadUserInput(
            f"The password must be at least {MIN_LENGTH} characters long.", field="password"
        )
    if len(password) > MAX_LENGTH:
        raise BadUserInput(
            f"The password must be at most {MAX_LENGTH} characters long.", field="password"
        )
    if password.lower() in _COMMON or len(set(password)) < 4:
        raise BadUserInput("The password is too easy to guess.", field="password")
    if email and password.lower() == email.lower():
        raise BadUserInput("The password must not be the email address.", field="password")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (with its own salt and parameters)."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing hash spends the same effort and says no."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with older parameters and should be redone on login."""
    return _hasher.check_needs_rehash(password_hash)
