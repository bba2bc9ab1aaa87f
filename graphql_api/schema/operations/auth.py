"""Account mutations (``graphql_api/resolvers/auth.py`` does the work)."""

from __future__ import annotations

import strawberry
from strawberry import relay

from graphql_api.resolvers import auth, identities
from graphql_api.resolvers.context import Info
from graphql_api.schema.node import parse_int_id
from graphql_api.schema.types.auth_payload import AuthPayload
from graphql_api.schema.types.identity import Identity
from graphql_api.schema.types.user import User

# mypy's strawberry plugin loses the types of a field decorator called with arguments.


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Create a local account and log it in.")  # type: ignore[untyped-decorator]
    async def register(
        self, info: Info, email: str, password: str, display_name: str
    ) -> AuthPayload:
        return AuthPayload.of(await auth.register(info.context, email, password, display_name))

    @strawberry.mutation(description="Log in with email and password.")  # type: ignore[untyped-decorator]
    async def login(self, info: Info, email: str, password: str) -> AuthPayload:
        return AuthPayload.of(await auth.login(info.context, email, password))

    @strawberry.mutation(
        description="Trade a refresh token for a new pair. A spent token ends its session."
    )  # type: ignore[untyped-decorator]
    async def refresh_session(self, info: Info, refresh_token: str) -> AuthPayload:
        return AuthPayload.of(await auth.refresh(info.context, refresh_token))

    @strawberry.mutation(
        description="Trade the one-time login_code of a Spotify login for a session."
    )  # type: ignore[untyped-decorator]
    async def exchange_login_code(self, info: Info, code: str) -> AuthPayload:
        return AuthPayload.of(await auth.exchange_code(info.context, code))

    @strawberry.mutation(description="End the current session.")  # type: ignore[untyped-decorator]
    async def logout(self, info: Info) -> bool:
        return await auth.logout(info.context)

    @strawberry.mutation(
        description=(
            "The Spotify authorize URL that links Spotify to your account; its callback hands "
            "back a link_code for completeSpotifyLink."
        )
    )  # type: ignore[untyped-decorator]
    async def link_spotify(self, info: Info, redirect_to: str | None = None) -> str:
        return await auth.link_spotify(info.context, redirect_to)

    @strawberry.mutation(
        description=(
            "Finish linking Spotify with the one-time link_code its callback handed back. "
            "Only the account that called linkSpotify can."
        )
    )  # type: ignore[untyped-decorator]
    async def complete_spotify_link(self, info: Info, code: str) -> User:
        return User.from_row(await auth.complete_spotify_link(info.context, code))

    @strawberry.mutation(description="Forget your Spotify link and its tokens.")  # type: ignore[untyped-decorator]
    async def unlink_spotify(self, info: Info) -> User:
        return User.from_row(await auth.unlink_spotify(info.context))

    @strawberry.mutation(
        description=(
            "The authorize URL of an OpenID Connect provider (by its name in the settings) "
            "that links your account there to this one; its callback hands back a link_code "
            "for completeIdentityLink."
        )
    )  # type: ignore[untyped-decorator]
    async def link_identity(self, info: Info, provider: str, redirect_to: str | None = None) -> str:
        return await identities.link_identity(info.context, provider, redirect_to)

    @strawberry.mutation(
        description=(
            "Finish linking an identity with the one-time link_code its callback handed "
            "back. Only the account that called linkIdentity can."
        )
    )  # type: ignore[untyped-decorator]
    async def complete_identity_link(self, info: Info, code: str) -> Identity:
        return Identity.from_row(await identities.complete_identity_link(info.context, code))

    @strawberry.mutation(
        description="Unlink one of your identities; never your last way to log in."
    )  # type: ignore[untyped-decorator]
    async def unlink_identity(self, info: Info, id: relay.GlobalID) -> User:
        identity_id = parse_int_id(id.node_id) if id.type_name == "Identity" else None
        return User.from_row(await identities.unlink_identity(info.context, identity_id))

    @strawberry.mutation(description="Delete your account and everything that is only yours.")  # type: ignore[untyped-decorator]
    async def delete_account(self, info: Info) -> bool:
        return await auth.delete_account(info.context)
