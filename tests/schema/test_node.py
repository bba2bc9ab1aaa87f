"""``node(id:)``: objects by global id; an id of a type we do not have is a client error."""

from __future__ import annotations

import pytest
from strawberry.relay import GlobalID

from tests.support.graphql_client import GraphQLClient

NODE = "query($id: ID!) { node(id: $id) { id } }"


@pytest.mark.parametrize(
    "type_name",
    ["Node", "Foo", "Query", "Mutation", "AuthPayload", "SpotifyLink", "String", "CatalogEntry"],
)
async def test_an_id_of_a_type_without_ids_is_bad_user_input(
    gql: GraphQLClient, type_name: str
) -> None:
    global_id = str(GlobalID(type_name, "1"))
    for body in (
        await gql.execute(NODE, {"id": global_id}),
        await gql.execute(f'{{ node(id: "{global_id}") {{ id }} }}'),
    ):
        assert body["data"] == {"node": None}
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "id"}
        assert f"`{type_name}` is not a type of object" in error["message"]


@pytest.mark.parametrize(
    "type_name", ["User", "LibrarySnapshot", "Song", "Album", "Artist", "Genre"]
)
@pytest.mark.parametrize("node_id", ["1", "abc", "9" * 30, "9" * 3000, "-1"])
async def test_an_id_of_a_node_type_is_null_when_anonymous(
    gql: GraphQLClient, type_name: str, node_id: str
) -> None:
    body = await gql.execute(NODE, {"id": str(GlobalID(type_name, node_id))})
    assert body == {"data": {"node": None}}
