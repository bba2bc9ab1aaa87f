"""What the linked Spotify account holds now, per section (read through the user's client).

Only URIs and names are kept: a restore compares, it does not store the account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql_api.library.fetch import LibraryReader
from graphql_api.restore.sections import Section
from graphql_api.spotify.paging import OnPage


@dataclass(frozen=True, slots=True)
class AccountPlaylist:
    spotify_id: str
    owner_id: str | None
    name: str
    description: str
    snapshot_id: str

    @property
    def uri(self) -> str:
        return f"spotify:playlist:{self.spotify_id}"


@dataclass
class Account:
    """``items``: URI -> name per section, in Spotify's order; ``playlists`` in list order."""

    items: dict[Section, dict[str, str]] = field(default_factory=dict)
    playlists: list[AccountPlaylist] = field(default_factory=list)


def _named(obj: Any) -> tuple[str, str] | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("uri"), str):
        return None
    return obj["uri"], str(obj.get("name") or "")


async def _nothing(_count: int) -> None:
    return None


async def read_account(reader: LibraryReader, sections: list[Section]) -> Account:
    """The parts of the account named by ``sections``."""
    account = Account()
    # Offset pages may arrive out of order; keep them by offset, then flatten.
    pages: dict[Section, dict[int, list[Any]]] = {s: {} for s in sections}

    def keep(section: Section, key: str | None) -> OnPage:
        async def on_page(offset: int, items: list[Any]) -> None:
            pages[section][offset] = [
                i.get(key) if key and isinstance(i, dict) else i for i in items
            ]

        return on_page

    paths = {
        Section.TRACKS: ("me/tracks", "track"),
        Section.ALBUMS: ("me/albums", "album"),
        Section.PLAYLISTS: ("me/playlists", None),
    }
    for section in sections:
        if section is Section.ARTISTS:
            await reader.stream_followed_artists(keep(section, None), _nothing)
        else:
            path, key = paths[section]
            await reader.stream(path, keep(section, key), _nothing)
    for section in sections:
        ordered = [obj for _, items in sorted(pages[section].items()) for obj in items]
        if section is Section.PLAYLISTS:
            account.playlists = [
                AccountPlaylist(
                    spotify_id=str(p["id"]),
                    owner_id=(p.get("owner") or {}).get("id"),
                    name=str(p.get("name") or ""),
                    description=str(p.get("description") or ""),
                    snapshot_id=str(p.get("snapshot_id") or ""),
                )
                for p in ordered
                if isinstance(p, dict) and p.get("id")
            ]
            continue
        account.items[section] = dict(n for n in map(_named, ordered) if n is not None)
    return account


async def playlist_uris(reader: LibraryReader, spotify_id: str) -> list[str]:
    """A playlist's items as Spotify has them now, as URIs ("" for an item with none)."""
    pages: dict[int, list[str]] = {}

    async def on_page(offset: int, items: list[Any]) -> None:
        found = []
        for item in items:
            content = (item.get("item") or item.get("track")) if isinstance(item, dict) else None
            uri = content.get("uri") if isinstance(content, dict) else None
            found.append(uri if isinstance(uri, str) else "")
        pages[offset] = found

    await reader.stream(f"playlists/{spotify_id}/items", on_page, _nothing)
    return [uri for _, uris in sorted(pages.items()) for uri in uris]
