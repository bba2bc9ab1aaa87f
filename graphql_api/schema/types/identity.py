"""Identity: an account at an OpenID Connect provider that logs into a Mixtape user."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry
from strawberry import relay

from graphql_api.db import models
from graphql_api.resolvers.context import Info


@strawberry.type(
    name="Identity",
    description="An account at an OpenID Connect provider that logs into this user.",
)
class Identity(relay.Node):
    id: relay.NodeID[int]
    row: strawberry.Private[models.Identity]

    @strawberry.field(description="The provider's name in this server's settings.")  # type: ignore[untyped-decorator]
    def provider(self) -> str:
        return self.row.provider

    @strawberry.field(description="The provider's display name (e.g. Google).")  # type: ignore[untyped-decorator]
    def provider_display_name(self, info: Info) -> str:
        for provider in info.context.resources.settings.oidc_providers:
            if provider.name == self.row.provider:
                return provider.display_name
        return self.row.provider

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The email the provider reported when it was linked (informative only)."
    )
    def email(self) -> str | None:
        return self.row.email

    @strawberry.field(description="When it was linked.")  # type: ignore[untyped-decorator]
    def created_at(self) -> dt.datetime:
        return self.row.created_at

    @classmethod
    def from_row(cls, row: models.Identity) -> Self:
        return cls(id=row.id, row=row)
