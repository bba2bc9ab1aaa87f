"""The typed ``Info`` every resolver receives."""

from __future__ import annotations

from typing import Any

import strawberry

from graphql_api.schema.context import Context

Info = strawberry.Info[Context, Any]
