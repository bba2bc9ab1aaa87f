"""The plan: what a restore adds to and removes from the account, per section.

Songs, albums and artists are compared by Spotify URI. Playlists are compared by their
Spotify id: a playlist of the snapshot still in the account's list is left as it is
(ADD_MISSING never edits an existing playlist; no restore edits someone else's). One no longer in
the list is followed again when someone else owns it, and recreated as a new playlist
of the user, with the snapshot's items, when the user owned it. A playlist an earlier
restore recreated counts as its source. MIRROR also replaces the items of the user's
own playlists that are still there but hold other items, and removes what the snapshot lacks
(unfollowing a playlist; for the user's own, that is how Spotify deletes it).
"""

from __future__ import annotations

from graphql_api.db.models import RestoreMode
from graphql_api.restore.account import Account
from graphql_api.restore.sections import Item, Plan, Section, SectionPlan
from graphql_api.restore.stored import StoredLibrary


def compare(
    stored: StoredLibrary,
    account: Account,
    sections: list[Section],
    mode: RestoreMode,
    spotify_user_id: str,
    recreated: dict[int, dict[str, bool]],
    edited: set[int] | None = None,
) -> Plan:
    """What to write so that the account holds ``sections`` of ``stored``.

    ``recreated``: source playlist id -> {Spotify id: complete} of the playlists restores
    made of it. One still being filled does not count as the source (its restore carries
    on filling it), nor is it removed. ``edited``: the user's own playlists of the
    snapshot still in the account with other items (MIRROR replaces their items).
    """
    mirror = mode is RestoreMode.MIRROR
    plan: Plan = {}
    for section in sections:
        if section is Section.PLAYLISTS:
            plan[section] = _playlists(
                stored, account, spotify_user_id, recreated, edited or set(), mirror
            )
            continue
        have = account.items.get(section, {})
        wanted = stored.items.get(section, [])
        wanted_uris = {item.uri for item in wanted}
        add = [item for item in wanted if item.uri not in have]
        remove = [Item(uri, name) for uri, name in have.items() if uri not in wanted_uris]
        plan[section] = SectionPlan(add, remove if mirror else [])
    return plan


def _playlists(
    stored: StoredLibrary,
    account: Account,
    spotify_user_id: str,
    recreated: dict[int, dict[str, bool]],
    edited: set[int],
    mirror: bool,
) -> SectionPlan:
    present = {p.spotify_id for p in account.playlists}
    sources = {p.source_id for p in stored.playlists}
    made = {spotify_id for s, ids in recreated.items() if s in sources for spotify_id in ids}
    add = []
    for playlist in stored.playlists:
        if mirror and playlist.source_id in edited:
            add.append(Item(playlist.uri, playlist.name, playlist.source_id, replace=True))
            continue
        made_of = recreated.get(playlist.source_id, {})
        if playlist.spotify_id in present or any(
            done and spotify_id in present for spotify_id, done in made_of.items()
        ):
            continue
        own = playlist.owner_spotify_id == spotify_user_id
        add.append(Item(playlist.uri, playlist.name, playlist.source_id if own else None))
    kept = {p.spotify_id for p in stored.playlists} | made
    remove = [Item(p.uri, p.name) for p in account.playlists if p.spotify_id not in kept]
    return SectionPlan(add, remove if mirror else [])
