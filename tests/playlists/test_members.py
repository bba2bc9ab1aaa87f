"""Members and visibility: viewers view, editors edit, only the owner deletes, invites,
changes roles or visibility; one owner always; private playlists are invisible to others."""

from __future__ import annotations

from typing import Any

from tests.playlists.conftest import ADD, INVITE, ITEMS, Person, add, create, error_code

UPDATE = """mutation($id: ID!, $version: Int!, $name: String, $visibility: PlaylistVisibility) {
  updatePlaylist(id: $id, expectedVersion: $version, name: $name, visibility: $visibility) {
    name version visibility linkToken
  }
}"""
DELETE = "mutation($id: ID!) { deletePlaylist(id: $id) }"
ROLE = """mutation($playlist: ID!, $user: ID!, $role: PlaylistRole!) {
  setPlaylistMemberRole(playlistId: $playlist, userId: $user, role: $role) { role }
}"""
LEAVE = "mutation($playlist: ID!) { leavePlaylist(playlistId: $playlist) }"
TRANSFER = """mutation($playlist: ID!, $user: ID!) {
  transferPlaylistOwnership(playlistId: $playlist, userId: $user) { role user { id } }
}"""
MEMBERS = """query($id: ID!) { node(id: $id) { ... on Playlist {
  viewerRole owner { id } members { totalCount edges { node { role user { id } } } }
} } }"""
BY_LINK = "query($token: String!) { playlistByLink(token: $token) { name itemCount } }"
LIST = """query($filter: PlaylistFilter, $sort: PlaylistSort) {
  playlists(first: 50, filter: $filter, sort: $sort) { totalCount edges { node { name } } }
}"""


async def _invite(owner: Person, playlist: str, person: Person, role: str) -> dict[str, Any]:
    return await owner.client.execute(
        INVITE, {"playlist": playlist, "user": person.id, "role": role}
    )


async def test_a_private_playlist_is_not_found_for_anyone_but_its_members(
    owner: Person, stranger: Person, songs: list[str]
) -> None:
    playlist = await create(owner)
    assert (await stranger.client.query(ITEMS, {"id": playlist["id"]}))["node"] is None
    body = await stranger.client.execute(
        ADD, {"playlist": playlist["id"], "songs": songs[:1], "version": 1}
    )
    assert error_code(body) == "NOT_FOUND"
    for mutation, variables in (
        (UPDATE, {"id": playlist["id"], "version": 1, "name": "Mine"}),
        (DELETE, {"id": playlist["id"]}),
        (LEAVE, {"playlist": playlist["id"]}),
        (INVITE, {"playlist": playlist["id"], "user": stranger.id, "role": "EDITOR"}),
    ):
        assert error_code(await stranger.client.execute(mutation, variables)) == "NOT_FOUND"
    listed = await stranger.client.query(LIST)
    assert listed["playlists"]["totalCount"] == 0


async def test_viewers_view_editors_edit_items_and_only_the_owner_deletes(
    owner: Person, editor: Person, stranger: Person, songs: list[str]
) -> None:
    playlist = await create(owner)
    assert "errors" not in await _invite(owner, playlist["id"], editor, "EDITOR")
    assert "errors" not in await _invite(owner, playlist["id"], stranger, "VIEWER")
    await add(editor, playlist["id"], songs[:2], 1)
    viewer_add = await stranger.client.execute(
        ADD, {"playlist": playlist["id"], "songs": songs[:1], "version": 2}
    )
    assert error_code(viewer_add) == "FORBIDDEN"
    assert (await stranger.client.query(ITEMS, {"id": playlist["id"]}))["node"]["itemCount"] == 2
    renamed = await editor.client.query(UPDATE, {"id": playlist["id"], "version": 2, "name": "X"})
    assert renamed["updatePlaylist"]["version"] == 3
    shared = await editor.client.execute(
        UPDATE, {"id": playlist["id"], "version": 3, "visibility": "PUBLIC"}
    )
    assert error_code(shared) == "FORBIDDEN"
    assert error_code(await editor.client.execute(DELETE, {"id": playlist["id"]})) == "FORBIDDEN"
    role = await editor.client.execute(
        ROLE, {"playlist": playlist["id"], "user": stranger.id, "role": "EDITOR"}
    )
    assert error_code(role) == "FORBIDDEN"
    assert (await owner.client.query(DELETE, {"id": playlist["id"]}))["deletePlaylist"]
    assert (await editor.client.query(ITEMS, {"id": playlist["id"]}))["node"] is None


async def test_inviting_oneself_or_a_second_owner_is_bad_user_input(owner: Person) -> None:
    playlist = await create(owner)
    assert error_code(await _invite(owner, playlist["id"], owner, "EDITOR")) == "BAD_USER_INPUT"
    body = await owner.client.execute(
        INVITE, {"playlist": playlist["id"], "user": owner.id, "role": "OWNER"}
    )
    assert error_code(body) == "BAD_USER_INPUT"


async def test_the_owner_leaves_only_after_transferring_and_there_is_always_one_owner(
    owner: Person, editor: Person
) -> None:
    playlist = await create(owner)
    await _invite(owner, playlist["id"], editor, "VIEWER")
    body = await owner.client.execute(LEAVE, {"playlist": playlist["id"]})
    assert error_code(body) == "BAD_USER_INPUT"
    moved = await owner.client.query(TRANSFER, {"playlist": playlist["id"], "user": editor.id})
    assert moved["transferPlaylistOwnership"] == {"role": "OWNER", "user": {"id": editor.id}}
    members = (await editor.client.query(MEMBERS, {"id": playlist["id"]}))["node"]
    assert members["viewerRole"] == "OWNER"
    assert members["owner"] == {"id": editor.id}
    roles = [e["node"]["role"] for e in members["members"]["edges"]]
    assert roles == ["OWNER", "EDITOR"]
    assert (await owner.client.query(LEAVE, {"playlist": playlist["id"]}))["leavePlaylist"]
    assert (await owner.client.query(ITEMS, {"id": playlist["id"]}))["node"] is None


async def test_a_shared_link_shows_the_playlist_to_anyone_until_it_is_private_again(
    owner: Person, stranger: Person
) -> None:
    playlist = await create(owner, visibility="SHARED_LINK")
    token = playlist["linkToken"]
    assert len(token) >= 32
    seen = await stranger.client.query(BY_LINK, {"token": token})
    assert seen["playlistByLink"] == {"name": "Mix", "itemCount": 0}
    assert (await stranger.client.query(ITEMS, {"id": playlist["id"]}))["node"] is None
    await owner.client.query(UPDATE, {"id": playlist["id"], "version": 1, "visibility": "PRIVATE"})
    assert error_code(await stranger.client.execute(BY_LINK, {"token": token})) == "NOT_FOUND"


async def test_playlists_filter_by_name_ownership_and_visibility_and_sort_stably(
    owner: Person, editor: Person, stranger: Person
) -> None:
    first = await create(owner, "Beach days", "PUBLIC")
    await create(owner, "beach nights")
    await create(owner, "Rain", "PUBLIC")
    theirs = await create(editor, "Editor's beach")
    await _invite(editor, theirs["id"], owner, "EDITOR")

    async def listed(who: Person, **arguments: Any) -> list[str]:
        data = await who.client.query(LIST, arguments)
        return [e["node"]["name"] for e in data["playlists"]["edges"]]

    by_name = {"key": "NAME", "direction": "ASC"}
    assert await listed(owner, filter={"text": "BEACH"}, sort=by_name) == [
        "Beach days",
        "beach nights",
        "Editor's beach",
    ]
    assert await listed(owner, filter={"ownedByMe": True}, sort=by_name) == [
        "Beach days",
        "beach nights",
        "Rain",
    ]
    assert len(await listed(owner, filter={"editableByMe": True})) == 4
    assert await listed(stranger, sort=by_name) == ["Beach days", "Rain"]
    assert await listed(stranger, filter={"visibility": "PUBLIC", "text": "rain"}) == ["Rain"]
    by_likes = await listed(owner, sort={"key": "LIKES", "direction": "DESC"})
    assert by_likes[-1] == "Beach days"  # equal likes: by id, descending
    assert first["visibility"] == "PUBLIC"


async def test_deleting_the_owners_account_deletes_their_playlists_but_not_those_they_joined(
    owner: Person, editor: Person
) -> None:
    owned = await create(owner)
    joined = await create(editor, "Ed's")
    await _invite(owner, owned["id"], editor, "EDITOR")
    await _invite(editor, joined["id"], owner, "EDITOR")
    assert (await owner.client.query("mutation { deleteAccount }"))["deleteAccount"]
    assert (await editor.client.query(ITEMS, {"id": owned["id"]}))["node"] is None
    members = (await editor.client.query(MEMBERS, {"id": joined["id"]}))["node"]["members"]
    assert members["totalCount"] == 1


async def test_item_ids_of_a_private_playlist_are_not_found_for_others_in_every_mutation(
    owner: Person, stranger: Person, songs: list[str]
) -> None:
    playlist = await create(owner)
    items = [i["id"] for i in (await add(owner, playlist["id"], songs[:2], 1))["items"]]
    remove = """mutation($items: [ID!]!) {
      removePlaylistItems(itemIds: $items, expectedVersion: 2) { id }
    }"""
    move = """mutation($items: [ID!]!) {
      movePlaylistItems(itemIds: $items, to: 0, expectedVersion: 2) { id }
    }"""
    for mutation in (remove, move):
        body = await stranger.client.execute(mutation, {"items": items[:1]})
        assert error_code(body) == "NOT_FOUND"
    for mutation, variables in (
        (ROLE, {"playlist": playlist["id"], "user": owner.id, "role": "VIEWER"}),
        (TRANSFER, {"playlist": playlist["id"], "user": stranger.id}),
        (
            """mutation($p: ID!, $u: ID!) {
              removePlaylistMember(playlistId: $p, userId: $u) { id }
            }""",
            {"p": playlist["id"], "u": owner.id},
        ),
    ):
        assert error_code(await stranger.client.execute(mutation, variables)) == "NOT_FOUND"
    assert (await owner.client.query(ITEMS, {"id": playlist["id"]}))["node"]["version"] == 2


async def test_concurrent_invites_of_one_user_make_one_member_and_conflicts(
    owner: Person, editor: Person
) -> None:
    import asyncio

    playlist = await create(owner)
    bodies = await asyncio.gather(
        *(_invite(owner, playlist["id"], editor, "EDITOR") for _ in range(4))
    )
    codes = sorted(error_code(body) if body.get("errors") else "OK" for body in bodies)
    assert codes == ["CONFLICT", "CONFLICT", "CONFLICT", "OK"]
    members = (await owner.client.query(MEMBERS, {"id": playlist["id"]}))["node"]["members"]
    assert members["totalCount"] == 2
