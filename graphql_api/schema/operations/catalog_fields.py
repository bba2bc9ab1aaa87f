"""Field factories for the four catalog kinds (song, album, artist, genre).

Each kind's list, create, update and delete are the same resolver over another model, node
type and input; a factory writes each once. The resolvers' annotations are real objects (this
module does not postpone them), set per kind, which is what strawberry reads.
"""

from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry import relay

from graphql_api.kit.ids import decode_global_id
from graphql_api.resolvers import catalog
from graphql_api.resolvers.context import Info
from graphql_api.schema.types.catalog_inputs import CatalogFilter, CatalogOrder, list_query
from graphql_api.schema.types.paging import After, First


@dataclass(frozen=True)
class Kind:
    """One catalog kind as the schema shows it."""

    name: str  # the resolvers' kind: "song"
    model: type[Any]  # the row class: models.Song
    node: Any  # the GraphQL type: Song (has from_row)
    connection: Any  # its connection: SongConnection (has of)
    input: type[Any]  # what create and update take: SongInput

    @property
    def type_name(self) -> str:
        return str(self.node.__name__)

    def row_id(self, value: relay.GlobalID) -> int:
        return decode_global_id(value, self.type_name)


def list_field(kind: Kind, description: str) -> Any:
    async def rows(
        info: Info,
        first: First = None,
        after: After = None,
        filter: CatalogFilter | None = None,
        sort: CatalogOrder | None = None,
    ) -> Any:
        query = list_query(first, after, filter, sort)
        return kind.connection.of(await catalog.list_rows(info.context, kind.model, query))

    rows.__annotations__["return"] = kind.connection
    return strawberry.field(resolver=rows, description=description)


def create_field(kind: Kind, description: str) -> Any:
    async def create(info: Info, input: Any) -> Any:
        return kind.node.from_row(await catalog.create(info.context, kind.name, input.fields()))

    create.__annotations__.update({"input": kind.input, "return": kind.node})
    return strawberry.mutation(resolver=create, description=description)


def update_field(kind: Kind, description: str | None = None) -> Any:
    async def update(info: Info, id: relay.GlobalID, input: Any) -> Any:
        row = await catalog.update(info.context, kind.name, kind.row_id(id), input.fields())
        return kind.node.from_row(row)

    update.__annotations__.update({"input": kind.input, "return": kind.node})
    return strawberry.mutation(resolver=update, description=description)


def delete_field(kind: Kind, description: str) -> Any:
    async def delete(info: Info, id: relay.GlobalID) -> relay.GlobalID:
        await catalog.delete(info.context, kind.model, kind.row_id(id), False)
        return id

    return strawberry.mutation(resolver=delete, description=description)
