"""The authorization (IDOR) matrix: every field that takes an id, given another user's private
id, answers NOT_FOUND or FORBIDDEN (or null, for ``node``) and leaks nothing of it.

The fields are found by introspecting the schema, so a new field that takes an id and is
not in :data:`MATRIX` fails ``test_every_field_taking_an_id_is_in_the_matrix``: whoever
adds one says here how another user's id must be refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    get_named_type,
)
from sqlalchemy import insert
from strawberry.relay import GlobalID

from graphql_api.db import models
from graphql_api.resources import Resources
from graphql_api.rooms import codes
from graphql_api.rooms.settings import RoomSettings
from graphql_api.schema import schema
from tests.library.conftest import login
from tests.support.graphql_client import GraphQLClient

SECRET = "victim-secret-7f3a"
REFUSED = ("NOT_FOUND", "FORBIDDEN")


@dataclass(frozen=True)
class Attempt:
    """One operation run by the attacker with the victim's ids.

    ``ids`` maps a variable to the kind of victim object whose global id it gets (a key
    of :attr:`Victim.ids`); ``own`` maps a variable to the attacker's own object of a kind.
    ``null_only``: the field answers null without an error (``node`` does, as for an
    unknown id). ``empty_ok``: a list may also answer an empty page. Strings
    ``"victim:Kind"`` and ``"own:Kind"`` anywhere in ``variables`` become those ids.
    ``control``: the victim's own run of it succeeds (so a refusal is about
    whose id it is, not a broken document); off where the owner is refused too.
    """

    document: str
    ids: Mapping[str, str]
    own: Mapping[str, str] = field(default_factory=dict)
    variables: Mapping[str, Any] = field(default_factory=dict)
    null_only: bool = False
    control: bool = True
    empty_ok: bool = False
    refused: tuple[str, ...] = REFUSED

    @property
    def subscription(self) -> bool:
        return self.document.lstrip().startswith("subscription")


NODE = "query($id: ID!) { node(id: $id) { id __typename } }"
SNAPSHOT_QUERY = "query($id: ID!) { librarySnapshot(id: $id) { id status savedTracksCount } }"
DIFF = """query($from: ID!, $to: ID) { libraryDiff(from: $from, to: $to) {
  addedTracks { totalCount edges { node { name } } } } }"""
NOW_PLAYING = "query($u: ID) { nowPlaying(userId: $u) { user { displayName } } }"
PLAYLIST_FIELDS = "id name version"
MEMBER_FIELDS = "role"
LIKEABLE = "likeCount viewerHasLiked ... on Node { id }"


def mutation(name: str, arguments: str, selection: str | None) -> str:
    """A mutation document calling ``name`` with ``arguments`` (``$variables``)."""
    declared = {
        "id": "ID!",
        "p": "ID!",
        "u": "ID!",
        "items": "[ID!]!",
        "songs": "[ID!]!",
        "v": "ID!",
    }
    used = [v for v in declared if f"${v}" in arguments]
    variables = ", ".join(f"${v}: {declared[v]}" for v in used)
    body = f"{name}({arguments})" + (f" {{ {selection} }}" if selection else "")
    return f"mutation({variables}) {{ {body} }}"


# Each kind of Node a user can own privately; node(id:) of another user's is null.
NODE_KINDS = (
    "User",
    "LibrarySnapshot",
    "Playlist",
    "PlaylistItem",
    "Song",
    "Album",
    "Artist",
    "Genre",
    "HistoryImport",
    "Restore",
    "Identity",
)

MATRIX: dict[str, list[Attempt]] = {
    "Query.node": [
        Attempt(NODE, {"id": kind}, null_only=True) for kind in NODE_KINDS if kind != "Identity"
    ]
    # Identities are not fetched by id, by anyone (the owner reads viewer.identities).
    + [Attempt(NODE, {"id": "Identity"}, refused=("BAD_USER_INPUT",), control=False)],
    "Query.nowPlaying": [Attempt(NOW_PLAYING, {"u": "User"})],
    "Query.librarySnapshot": [Attempt(SNAPSHOT_QUERY, {"id": "LibrarySnapshot"})],
    "Query.libraryDiff": [
        Attempt(DIFF, {"from": "LibrarySnapshot"}),
        Attempt(DIFF, {"from": "LibrarySnapshot", "to": "LibrarySnapshot"}),
        Attempt(DIFF, {"to": "LibrarySnapshot"}, own={"from": "LibrarySnapshot"}),
        Attempt(DIFF, {"from": "LibrarySnapshot"}, own={"to": "LibrarySnapshot"}),
    ],
    "Mutation.followUser": [
        Attempt(mutation("followUser", "id: $id", "id"), {"id": "User"}, control=False)
    ],
    "Mutation.unfollowUser": [
        Attempt(mutation("unfollowUser", "id: $id", "id"), {"id": "User"}, control=False)
    ],
    "Mutation.like": [Attempt(mutation("like", "id: $id", LIKEABLE), {"id": "Playlist"})],
    "Mutation.unlike": [Attempt(mutation("unlike", "id: $id", LIKEABLE), {"id": "Playlist"})],
    "Mutation.followPlaylist": [
        Attempt(mutation("followPlaylist", "id: $id", PLAYLIST_FIELDS), {"id": "Playlist"})
    ],
    "Mutation.unfollowPlaylist": [
        Attempt(mutation("unfollowPlaylist", "id: $id", PLAYLIST_FIELDS), {"id": "Playlist"})
    ],
    "Mutation.updatePlaylist": [
        Attempt(
            mutation("updatePlaylist", 'id: $id, expectedVersion: 1, name: "x"', PLAYLIST_FIELDS),
            {"id": "Playlist"},
        )
    ],
    "Mutation.deletePlaylist": [
        Attempt(mutation("deletePlaylist", "id: $id", None), {"id": "Playlist"})
    ],
    "Mutation.addPlaylistItems": [
        Attempt(
            mutation(
                "addPlaylistItems",
                "playlistId: $p, songIds: $songs, expectedVersion: 1",
                f"playlist {{ {PLAYLIST_FIELDS} }}",
            ),
            {"p": "Playlist"},
            own={"songs": "Songs"},
        ),
    ],
    "Mutation.removePlaylistItems": [
        Attempt(
            mutation("removePlaylistItems", "itemIds: $items, expectedVersion: 1", PLAYLIST_FIELDS),
            {"items": "PlaylistItems"},
        )
    ],
    "Mutation.movePlaylistItems": [
        Attempt(
            mutation(
                "movePlaylistItems", "itemIds: $items, to: 0, expectedVersion: 1", PLAYLIST_FIELDS
            ),
            {"items": "PlaylistItems"},
        )
    ],
    "Mutation.copyToMixtape": [
        Attempt(
            mutation("copyToMixtape", "playlistVersionId: $v", PLAYLIST_FIELDS),
            {"v": "PlaylistVersion"},
        )
    ],
    "Mutation.invitePlaylistMember": [
        Attempt(
            mutation("invitePlaylistMember", "playlistId: $p, userId: $u, role: EDITOR", "role"),
            {"p": "Playlist", "u": "Stranger"},
        ),
        Attempt(
            mutation("invitePlaylistMember", "playlistId: $p, userId: $u, role: EDITOR", "role"),
            {"p": "Playlist"},
            own={"u": "User"},
            control=False,
        ),
    ],
    "Mutation.setPlaylistMemberRole": [
        Attempt(
            mutation("setPlaylistMemberRole", "playlistId: $p, userId: $u, role: VIEWER", "role"),
            {"p": "Playlist", "u": "Member"},
        )
    ],
    "Mutation.removePlaylistMember": [
        Attempt(
            mutation("removePlaylistMember", "playlistId: $p, userId: $u", PLAYLIST_FIELDS),
            {"p": "Playlist", "u": "Member"},
        )
    ],
    "Mutation.leavePlaylist": [
        # The owner may not leave (they transfer first): no control.
        Attempt(mutation("leavePlaylist", "playlistId: $p", None), {"p": "Playlist"}, control=False)
    ],
    "Mutation.transferPlaylistOwnership": [
        Attempt(
            mutation("transferPlaylistOwnership", "playlistId: $p, userId: $u", "role"),
            {"p": "Playlist", "u": "Member"},
        )
    ],
    "Subscription.nowPlaying": [
        Attempt("subscription($u: ID) { nowPlaying(userId: $u) { change } }", {"u": "User"})
    ],
    "Subscription.librarySnapshot": [
        Attempt(
            "subscription($id: ID!) { librarySnapshot(id: $id) { status } }",
            {"id": "LibrarySnapshot"},
        )
    ],
    "Subscription.playlistChanged": [
        Attempt(
            "subscription($id: ID!) { playlistChanged(id: $id) { version } }",
            {"id": "Playlist"},
        )
    ],
    "Query.historyImport": [
        Attempt("query($id: ID!) { historyImport(id: $id) { id status } }", {"id": "HistoryImport"})
    ],
    # The owner may not resume a finished import either: the control is off.
    "Mutation.resumeHistoryImport": [
        Attempt(
            mutation("resumeHistoryImport", "id: $id", "id"), {"id": "HistoryImport"}, control=False
        )
    ],
    "Query.restore": [
        Attempt(
            "query($id: ID!) { restore(id: $id) { id status plan { section } } }", {"id": "Restore"}
        )
    ],
    # The victim has no Spotify link (SPOTIFY_RELINK_REQUIRED for them): the control is off.
    "Mutation.restoreSnapshot": [
        Attempt(
            mutation("restoreSnapshot", "id: $id, sections: [TRACKS], dryRun: true", "id"),
            {"id": "LibrarySnapshot"},
            control=False,
        )
    ],
    # The owner may not resume a finished restore either: the control is off.
    "Mutation.resumeRestore": [
        Attempt(mutation("resumeRestore", "id: $id", "id"), {"id": "Restore"}, control=False)
    ],
    "Query.listeningStats": [
        Attempt("query($u: ID) { listeningStats(userId: $u) { plays } }", {"u": "User"})
    ],
    "Mutation.unlinkIdentity": [
        Attempt(mutation("unlinkIdentity", "id: $id", "id"), {"id": "Identity"})
    ],
}


SONG = "id name"
# The party's song is in its playlist: deleting it asks to remove it from there too.
REMOVE_EVERYWHERE = {"Song": ", removeEverywhere: true"}
FILTERS = {"artistId": "Artist", "albumId": "Album", "genreId": "Genre", "songId": "Song"}
# The filters each catalog list takes (others are BAD_USER_INPUT whatever the id).
CATALOG_LISTS = {
    "songs": ("artistId", "albumId", "genreId"),
    "albums": ("artistId", "genreId", "songId"),
    "artists": ("albumId", "genreId", "songId"),
    "genres": (),
}


def _list_attempts(field_name: str) -> list[Attempt]:
    """A catalog list filtered by each of the victim's private entries: refused, or empty.
    (``genres`` takes no id filter: each is BAD_USER_INPUT, tried once.)"""
    if not CATALOG_LISTS[field_name]:
        return [
            Attempt(
                f"query($f: CatalogFilter) {{ {field_name}(filter: $f) {{ totalCount }} }}",
                {},
                variables={"f": {"artistId": "victim:Artist"}},
                refused=("BAD_USER_INPUT",),
                control=False,
            )
        ]
    return [
        Attempt(
            f"query($f: CatalogFilter) {{ {field_name}(filter: $f) {{ totalCount "
            "edges { node { id name } } } }",
            {},
            variables={"f": {key: f"victim:{kind}"}},
            empty_ok=True,
            control=False,
        )
        for key, kind in FILTERS.items()
        if key in CATALOG_LISTS[field_name]
    ]


def _write(document: str, variables: dict[str, Any], control: bool = True) -> Attempt:
    return Attempt(document, {}, variables=variables, control=control)


CATALOG_MATRIX: dict[str, list[Attempt]] = {
    **{f"Query.{name}": _list_attempts(name) for name in CATALOG_LISTS},
    "Mutation.createSong": [
        _write(
            "mutation($in: SongInput!) { createSong(input: $in) { id } }",
            {"in": {"name": "n", "genreIds": ["victim:Genre"]}},
        )
    ],
    "Mutation.createAlbum": [
        _write(
            "mutation($in: AlbumInput!) { createAlbum(input: $in) { id } }",
            {"in": {"name": "n", "artistIds": ["victim:Artist"]}},
        ),
        _write(
            "mutation($in: AlbumInput!) { createAlbum(input: $in) { id } }",
            {"in": {"name": "n", "genreIds": ["victim:Genre"]}},
        ),
    ],
    "Mutation.createArtist": [
        _write(
            "mutation($in: ArtistInput!) { createArtist(input: $in) { id } }",
            {"in": {"name": "n", "genreIds": ["victim:Genre"]}},
        )
    ],
    **{
        f"Mutation.update{kind}": [
            _write(
                f"mutation($id: ID!, $in: {kind}Input!) {{ update{kind}(id: $id, input: $in) "
                "{ id name } }",
                {"id": f"victim:{kind}", "in": {"name": "renamed"}},
            )
        ]
        for kind in ("Song", "Album", "Artist", "Genre")
    },
    **{
        f"Mutation.delete{kind}": [
            _write(
                f"mutation($id: ID!) {{ delete{kind}(id: $id{REMOVE_EVERYWHERE.get(kind, '')}) }}",
                {"id": f"victim:{kind}"},
            )
        ]
        for kind in ("Song", "Album", "Artist", "Genre")
    },
    "Mutation.setSongCredits": [
        _write(
            "mutation($s: ID!, $c: [CreditInput!]!) { setSongCredits(songId: $s, credits: $c) "
            "{ id } }",
            {"s": "victim:Song", "c": [{"artistId": "own:Artist", "role": "PERFORMER"}]},
        ),
        _write(
            "mutation($s: ID!, $c: [CreditInput!]!) { setSongCredits(songId: $s, credits: $c) "
            "{ id } }",
            {"s": "own:Song", "c": [{"artistId": "victim:Artist", "role": "PERFORMER"}]},
        ),
    ],
    "Mutation.setAlbumTracks": [
        _write(
            "mutation($a: ID!, $t: [AlbumTrackInput!]!) { setAlbumTracks(albumId: $a, "
            "tracks: $t) { id } }",
            {"a": "victim:Album", "t": [{"songId": "own:Song", "trackNumber": 1}]},
        ),
        _write(
            "mutation($a: ID!, $t: [AlbumTrackInput!]!) { setAlbumTracks(albumId: $a, "
            "tracks: $t) { id } }",
            {"a": "own:Album", "t": [{"songId": "victim:Song", "trackNumber": 1}]},
        ),
    ],
    "Mutation.addAlbumTrack": [
        _write(
            "mutation($a: ID!, $t: AlbumTrackInput!) { addAlbumTrack(albumId: $a, track: $t) "
            "{ id } }",
            {"a": "victim:Album", "t": {"songId": "own:Song", "trackNumber": 2}},
        ),
        _write(
            "mutation($a: ID!, $t: AlbumTrackInput!) { addAlbumTrack(albumId: $a, track: $t) "
            "{ id } }",
            {"a": "own:Album", "t": {"songId": "victim:Song", "trackNumber": 2}},
        ),
    ],
    "Mutation.removeAlbumTrack": [
        _write(
            "mutation($a: ID!) { removeAlbumTrack(albumId: $a, discNumber: 1, trackNumber: 1) "
            "{ id } }",
            {"a": "victim:Album"},
        )
    ],
    "Mutation.followArtist": [
        _write("mutation($id: ID!) { followArtist(id: $id) { id } }", {"id": "victim:Artist"})
    ],
    "Mutation.unfollowArtist": [
        _write("mutation($id: ID!) { unfollowArtist(id: $id) { id } }", {"id": "victim:Artist"})
    ],
}
for kind in ("Song", "Album", "Artist"):
    for name in ("like", "unlike"):
        MATRIX[f"Mutation.{name}"].append(
            Attempt(mutation(name, "id: $id", LIKEABLE), {"id": kind})
        )
MATRIX["Mutation.addPlaylistItems"].append(
    Attempt(
        mutation(
            "addPlaylistItems",
            "playlistId: $p, songIds: $songs, expectedVersion: 1",
            f"playlist {{ {PLAYLIST_FIELDS} }}",
        ),
        {"songs": "Songs"},
        own={"p": "Playlist"},
    )
)
MATRIX.update(CATALOG_MATRIX)

# Listening rooms: ids of another room's queue items and participants are refused in the
# attacker's own room (NOT_FOUND) and in the victim's room, which they are not in (FORBIDDEN).
ROOM_ITEM = """mutation($code: String!, $id: ID!) { %s(code: $code, itemId: $id) { code } }"""
KICK_GUEST = """mutation($code: String!, $id: ID!) {
  kickGuest(code: $code, participantId: $id) { code } }"""
ROOM_MATRIX: dict[str, list[Attempt]] = {
    f"Mutation.{name}": [
        Attempt(ROOM_ITEM % name, {"id": "RoomQueueItem"}, variables={"code": f"{whose}:RoomCode"})
        for whose in ("own", "victim")
    ]
    for name in ("voteQueueItem", "removeQueueItem")
}
ROOM_MATRIX["Mutation.kickGuest"] = [
    Attempt(KICK_GUEST, {"id": "RoomGuest"}, variables={"code": f"{whose}:RoomCode"})
    for whose in ("own", "victim")
]
# The party's songs are not on Spotify: the owner's own run is refused too (NOT_PLAYABLE).
ROOM_MATRIX["Mutation.addToRoomQueue"] = [
    Attempt(
        "mutation($code: String!, $id: ID!) { addToRoomQueue(code: $code, songId: $id) { code } }",
        {"id": "Song"},
        variables={"code": "own:RoomCode"},
        control=False,
    )
]
MATRIX.update(ROOM_MATRIX)


def _takes_id(type_: GraphQLInputType, seen: frozenset[str] = frozenset()) -> bool:
    named = get_named_type(type_)
    if named.name == "ID":
        return True
    if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        inner = seen | {named.name}
        return any(_takes_id(f.type, inner) for f in named.fields.values())
    return False


def fields_taking_ids() -> Iterator[str]:
    """``Type.field`` of every field of the schema with an argument that is or holds an ID."""
    for name, type_ in schema._schema.type_map.items():
        if name.startswith("__") or not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field_name, field_ in type_.fields.items():
            if any(_takes_id(argument.type) for argument in field_.args.values()):
                yield f"{name}.{field_name}"


def node_types() -> set[str]:
    return {
        name
        for name, type_ in schema._schema.type_map.items()
        if isinstance(type_, GraphQLObjectType)
        and any(interface.name == "Node" for interface in type_.interfaces)
    }


def test_every_field_taking_an_id_is_in_the_matrix() -> None:
    found = set(fields_taking_ids())
    missing = found - set(MATRIX)
    assert not missing, f"fields taking an id with no IDOR attempt in MATRIX: {sorted(missing)}"
    assert set(MATRIX) <= found, f"MATRIX names fields the schema lacks: {set(MATRIX) - found}"


def test_every_node_type_is_tried_through_node() -> None:
    assert node_types() == set(NODE_KINDS)


@dataclass
class Party:
    """A user and the global ids of the private objects they own, by kind (a list of ids
    for the kinds ending in ``s``)."""

    user_id: int
    ids: dict[str, Any]


def _gid(type_name: str, db_id: int) -> str:
    return str(GlobalID(type_name, str(db_id)))


async def make_party(resources: Resources, name: str) -> Party:
    """A user sharing nothing, with one private object of every kind: a snapshot holding a
    Spotify playlist, a private playlist with one item and an EDITOR (``Member``), and a
    user who is not a member (``Stranger``)."""
    async with resources.sessionmaker() as session:
        user, member, stranger = (
            models.User(display_name=name),
            models.User(display_name=f"{name}'s friend"),
            models.User(display_name=f"{name}'s stranger"),
        )
        song = models.Song(name=f"{name}'s song", duration_ms=1000)
        album = models.Album(name=f"{name}'s album")
        artist = models.Artist(name=f"{name}'s artist")
        genre = models.Genre(name=f"{name}'s genre")
        spotify_playlist = models.SpotifyPlaylist(spotify_id=f"sp-{name}")
        session.add(user)
        await session.flush()
        for own in (song, album, artist, genre):
            own.owner_id = user.id
        session.add_all([member, stranger, song, album, artist, genre, spotify_playlist])
        await session.flush()
        await session.execute(
            insert(models.album_tracks).values(
                album_id=album.id, disc_number=1, track_number=1, song_id=song.id
            )
        )
        version = models.PlaylistVersion(
            playlist_id=spotify_playlist.id, spotify_snapshot_id="s1", name=name, complete=True
        )
        snapshot = models.LibrarySnapshot(
            user_id=user.id, version=1, status=models.SnapshotStatus.SUCCEEDED
        )
        playlist = models.Playlist(
            name=f"{name}'s playlist",
            visibility=models.PlaylistVisibility.PRIVATE,
            version=1,
            item_count=1,
            total_duration_ms=1000,
            created_by=user.id,
        )
        session.add_all([version, snapshot, playlist])
        await session.flush()
        entry = models.PlaylistEntry(
            playlist_id=playlist.id, song_id=song.id, position_key="a0", added_by=user.id
        )
        session.add_all(
            [
                entry,
                models.LibraryPlaylist(user_id=user.id, first_version=1, version_id=version.id),
                models.PlaylistMember(
                    playlist_id=playlist.id, user_id=user.id, role=models.PlaylistRole.OWNER
                ),
                models.PlaylistMember(
                    playlist_id=playlist.id, user_id=member.id, role=models.PlaylistRole.EDITOR
                ),
            ]
        )
        history_import = models.HistoryImport(
            user_id=user.id, status=models.HistoryImportStatus.SUCCEEDED
        )
        # Two identities: unlinking one leaves a way to log in (the owner's control succeeds).
        identity, second_identity = (
            models.Identity(user_id=user.id, provider="test", subject=f"{name}-1"),
            models.Identity(user_id=user.id, provider="test", subject=f"{name}-2"),
        )
        session.add_all([history_import, identity, second_identity])
        room = models.Room(
            code=codes.new_code(), name=f"{name}'s room", host_id=user.id, version=1, play_seq=0
        )
        RoomSettings().apply(room)
        session.add(room)
        await session.flush()
        room_host = models.RoomParticipant(
            room_id=room.id, user_id=user.id, display_name=name, is_host=True
        )
        room_guest = models.RoomParticipant(room_id=room.id, display_name=f"{name}'s guest")
        session.add_all([room_host, room_guest])
        await session.flush()
        queue_item = models.RoomQueueItem(
            room_id=room.id, added_by=room_guest.id, uri="spotify:track:x", name=SECRET, votes=0
        )
        session.add(queue_item)
        await session.flush()
        restore = models.Restore(
            user_id=user.id,
            snapshot_id=snapshot.id,
            sections="TRACKS",
            mode=models.RestoreMode.MIRROR,
            dry_run=True,
            status=models.RestoreStatus.SUCCEEDED,
            plan={"TRACKS": {"add": [{"uri": "spotify:track:x", "name": SECRET}], "remove": []}},
        )
        session.add(restore)
        await session.flush()
        ids: dict[str, Any] = {
            "User": _gid("User", user.id),
            "Member": _gid("User", member.id),
            "Stranger": _gid("User", stranger.id),
            "LibrarySnapshot": _gid("LibrarySnapshot", snapshot.id),
            "Playlist": _gid("Playlist", playlist.id),
            "PlaylistItem": _gid("PlaylistItem", entry.id),
            "PlaylistItems": [_gid("PlaylistItem", entry.id)],
            "PlaylistVersion": _gid("PlaylistVersion", version.id),
            "Songs": [_gid("Song", song.id)],
            "Song": _gid("Song", song.id),
            "Album": _gid("Album", album.id),
            "Artist": _gid("Artist", artist.id),
            "Genre": _gid("Genre", genre.id),
            "HistoryImport": _gid("HistoryImport", history_import.id),
            "Restore": _gid("Restore", restore.id),
            "Identity": _gid("Identity", identity.id),
            "RoomCode": room.code,
            "RoomQueueItem": _gid("RoomQueueItem", queue_item.id),
            "RoomGuest": _gid("RoomParticipant", room_guest.id),
        }
        await session.commit()
    return Party(user.id, ids)


def _fill(value: Any, victim: Party, attacker: Party) -> Any:
    if isinstance(value, str) and value.startswith(("victim:", "own:")):
        whose, kind = value.split(":", 1)
        return (victim if whose == "victim" else attacker).ids[kind]
    if isinstance(value, dict):
        return {key: _fill(item, victim, attacker) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, victim, attacker) for item in value]
    return value


def _variables(attempt: Attempt, victim: Party, attacker: Party) -> dict[str, Any]:
    values: dict[str, Any] = _fill(dict(attempt.variables), victim, attacker)
    values.update({name: victim.ids[kind] for name, kind in attempt.ids.items()})
    values.update({name: attacker.ids[kind] for name, kind in attempt.own.items()})
    return values


async def _answer(client: GraphQLClient, attempt: Attempt, variables: dict[str, Any]) -> Any:
    """The response body (HTTP), or the first message for the operation (websocket)."""
    if not attempt.subscription:
        return await client.execute(attempt.document, variables)
    async with client.websocket() as ws:
        operation = await ws.subscribe(attempt.document, variables)
        while True:
            message = await ws.receive()
            if message.get("id") == operation:
                return message


def _refusal_codes(answer: Any) -> list[str]:
    if "type" in answer:  # a websocket message: `error` (a list) or `next` with errors
        errors = (
            answer["payload"]
            if answer["type"] == "error"
            else answer["payload"].get("errors") or []
        )
    else:
        errors = answer.get("errors") or []
    return [str(error.get("extensions", {}).get("code")) for error in errors]


def _root_data(answer: Any) -> Any:
    data = answer.get("data") if "type" not in answer else answer["payload"].get("data")
    return None if data is None else next(iter(data.values()), None)


async def test_another_users_ids_are_refused_everywhere(
    resources: Resources, gql: GraphQLClient
) -> None:
    victim = await make_party(resources, f"Victim {SECRET}")
    attacker = await make_party(resources, "Attacker")
    client = gql.with_token(await login(resources, attacker.user_id))
    failures = []
    for field_name, attempts in MATRIX.items():
        for attempt in attempts:
            answer = await _answer(client, attempt, _variables(attempt, victim, attacker))
            codes = _refusal_codes(answer)
            leaked = SECRET in json.dumps(answer) or victim.ids["User"] in json.dumps(answer)
            data = _root_data(answer)
            refused = (
                codes == [] and data is None
                if attempt.null_only
                else bool(codes) and set(codes) <= set(attempt.refused) and data is None
            ) or (attempt.empty_ok and codes == [] and data is not None and not data["edges"])
            if leaked or not refused:
                failures.append((field_name, dict(attempt.ids), attempt.variables, answer))
    assert not failures, "\n".join(map(str, failures))


async def test_the_owner_of_those_ids_is_not_refused(
    resources: Resources, gql: GraphQLClient
) -> None:
    failures = []
    for n, (field_name, attempts) in enumerate(MATRIX.items()):
        for m, attempt in enumerate(attempts):
            if not attempt.control:
                continue
            # A party of its own for each: some attempts delete or hand over what they use.
            owner = await make_party(resources, f"Owner {n}.{m}")
            client = gql.with_token(await login(resources, owner.user_id))
            answer = await _answer(client, attempt, _variables(attempt, owner, owner))
            if _refusal_codes(answer) or _root_data(answer) is None:
                failures.append((field_name, dict(attempt.ids), answer))
    assert not failures, failures
