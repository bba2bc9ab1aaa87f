"""The enums the catalog's types and lists share."""

from __future__ import annotations

import strawberry

from graphql_api.catalog.lists import Sort, Source
from graphql_api.db.models import CreditRole

SourceEnum = strawberry.enum(
    Source, name="CatalogSource", description="SPOTIFY: a read-only mirror; MIXTAPE: a user's own."
)
CreditRoleEnum = strawberry.enum(CreditRole, name="CreditRole")
CatalogSortEnum = strawberry.enum(Sort, name="CatalogSort")
