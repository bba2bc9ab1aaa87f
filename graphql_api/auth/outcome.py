"""A result that may be a failure to raise only after the transaction commits.

Some failures must leave a trace: a failed login counts towards the rate limit, a reused
refresh token revokes its session. Raising inside the unit of work would roll that trace
back, so such domain functions return an :class:`Outcome`; the caller commits, then
``unwrap()`` raises the failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from graphql_api.errors import MixtapeError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None = None
    error: MixtapeError | None = None

    @classmethod
    def ok(cls, value: T) -> Outcome[T]:
        return cls(value=value)

    @classmethod
    def fail(cls, error: MixtapeError) -> Outcome[T]:
        return cls(error=error)

    def unwrap(self) -> T:
        """The value, or raise the failure."""
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value
