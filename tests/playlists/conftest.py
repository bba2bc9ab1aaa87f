"""Playlist test helpers: users logged in without passwords, songs in the catalog, and the
GraphQL operations the tests share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from strawberry.relay import GlobalID

from graphql_api.auth.sessions import start_session
from graphql_api.db.models import Song, User
from graphql_api.resources import Resources
from tests.support.graphql_client import GraphQLClient

CREATE = """mutation($name: String!, $visibility: PlaylistVisibility = PRIVATE) {
  createPlaylist(name: $name, visibility: $visibility) { id version visibility linkToken }
}"""
ADD = """mutation($playlist: ID!, $songs: [ID!]!, $version: Int!, $at: Int) {
  addPlaylistItems(playlistId: $playlist, songIds: $songs, expectedVersion: $version, at: $at) {
    playlist { version itemCount totalDurationMs } items { id }
  }
}"""
REMOVE = """mutation($items: [ID!]!, $version: Int!) {
  removePlaylistItems(itemIds: $items, expectedVersion: $version) {
    version itemCount totalDurationMs
  }
}"""
MOVE = """mutation($items: [ID!]!, $to: Int!, $version: Int!) {
  movePlaylistItems(itemIds: $items, to: $to, expectedVersion: $version) { version }
}"""
INVITE = """mutation($playlist: ID!, $user: ID!, $role: PlaylistRole!) {
  invitePlaylistMember(playlistId: $playlist, userId: $user, role: $role) { role }
}"""
ITEMS = """query($id: ID!) { node(id: $id) { ... on Playlist {
  version itemCount totalDurationMs
  items(first: 200) { totalCount edges { node { id song { name } addedBy { id } } } }
} } }"""


def gid(type_name: str, db_id: int) -> str:
    """A global id, as the API writes it."""
    return str(GlobalID(type_name, str(db_id)))


def error_code(body: dict[str, Any]) -> str:
    errors = body.get("errors")
    assert errors, body
    code: str = errors[0]["extensions"]["code"]
    return code


@dataclass(frozen=True)
class Person:
    client: GraphQLClient
    user_id: int

    @property
    def id(self) -> str:
        """The user's global id."""
        return gid("User", self.user_id)


async def make_person(resources: Resources, gql: GraphQLClient, name: str) -> Person:
    """A user with a live session (no password: logging in has tests of its own)."""
    async with resources.sessionmaker() as session:
        user = User(display_name=name)
        session.add(user)
        await session.flush()
        issued = await start_session(session, resources.settings, user_id=user.id, method="test")
        await session.commit()
    return Person(gql.with_token(issued.access_token), user.id)


async def make_songs(resources: Resources, count: int, duration_ms: int = 1000) -> list[str]:
    """``count`` songs named "Song 0", "Song 1", ...; their global ids."""
    async with resources.sessionmaker() as session:
        songs = [
            Song(name=f"Song {n}", duration_ms=duration_ms, spotify_uri=f"spotify:track:t{n}")
            for n in range(count)
        ]
        session.add_all(songs)
        await session.commit()
    return [gid("Song", song.id) for song in songs]


@pytest.fixture
async def owner(resources: Resources, gql: GraphQLClient) -> Person:
    return await make_person(resources, gql, "Olga")


@pytest.fixture
async def editor(resources: Resources, gql: GraphQLClient) -> Person:
    return await make_person(resources, gql, "Ed")


@pytest.fixture
async def stranger(resources: Resources, gql: GraphQLClient) -> Person:
    return await make_person(resources, gql, "Stan")


@pytest.fixture
async def songs(resources: Resources) -> list[str]:
    return await make_songs(resources, 10)


async def create(person: Person, name: str = "Mix", visibility: str = "PRIVATE") -> dict[str, Any]:
    data = await person.client.query(CREATE, {"name": name, "visibility": visibility})
    created: dict[str, Any] = data["createPlaylist"]
    return created


async def add(
    person: Person, playlist: str, songs: list[str], version: int, at: int | None = None
) -> dict[str, Any]:
    data = await person.client.query(
        ADD, {"playlist": playlist, "songs": songs, "version": version, "at": at}
    )
    added: dict[str, Any] = data["addPlaylistItems"]
    return added


async def names(person: Person, playlist: str) -> list[str]:
    """The playlist's song names, in order."""
    data = await person.client.query(ITEMS, {"id": playlist})
    return [e["node"]["song"]["name"] for e in data["node"]["items"]["edges"]]
