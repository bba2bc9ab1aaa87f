"""AuthPayload: what a login, a registration or a refresh answers."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from graphql_api.resolvers.auth import SignedIn
from graphql_api.schema.types.user import User


@strawberry.type(description="A session: send accessToken as 'Authorization: Bearer'.")
class AuthPayload:
    access_token: str = strawberry.field(description="A JWT valid until expiresAt (~15 min).")
    refresh_token: str = strawberry.field(
        description="Single use: refreshSession returns a new one. Reusing a spent one ends "
        "the session."
    )
    expires_at: dt.datetime = strawberry.field(description="When accessToken expires.")
    user: User

    @classmethod
    def of(cls, signed_in: SignedIn) -> Self:
        issued = signed_in.session
        return cls(
            access_token=issued.access_token,
            refresh_token=issued.refresh_token,
            expires_at=issued.expires_at,
            user=User.from_row(signed_in.user),
        )
