"""What a restore compares and writes: sections of a library, and the items in them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from graphql_api.errors import BadUserInput


class Section(enum.StrEnum):
    """A part of the library a restore can put back, in the order a restore writes them."""

    TRACKS = "TRACKS"
    ALBUMS = "ALBUMS"
    ARTISTS = "ARTISTS"
    PLAYLISTS = "PLAYLISTS"


def parse_sections(raw: str) -> list[Section]:
    """The sections stored on a restore row (``"TRACKS,ALBUMS"``)."""
    return [Section(name) for name in raw.split(",") if name]


def section_list(sections: list[Section]) -> list[Section]:
    """``sections`` each once, in write order; BAD_USER_INPUT when there are none."""
    chosen = [section for section in Section if section in set(sections)]
    if not chosen:
        raise BadUserInput("Name at least one section to restore.", argument="sections")
    return chosen


@dataclass(frozen=True, slots=True)
class Item:
    """One thing to add or remove: a Spotify URI and the name to show for it.

    ``playlist`` (playlists section, additions only) is the source playlist's database
    id when the user's playlist is to be recreated as a new playlist (or, ``replace``,
    still exists but with other items, which MIRROR replaces); None when the item is
    followed again (someone else's playlist) or for any other section.
    """

    uri: str
    name: str
    playlist: int | None = None
    replace: bool = False

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"uri": self.uri, "name": self.name}
        if self.playlist is not None:
            body["playlist"] = self.playlist
        if self.replace:
            body["replace"] = True
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Item:
        playlist = body.get("playlist")
        return cls(
            str(body["uri"]), str(body.get("name") or ""), playlist, bool(body.get("replace"))
        )


@dataclass
class SectionPlan:
    """What one section needs: items to add and to remove (MIRROR only), in write order."""

    add: list[Item]
    remove: list[Item]

    def to_json(self) -> dict[str, Any]:
        return {
            "add": [item.to_json() for item in self.add],
            "remove": [item.to_json() for item in self.remove],
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> SectionPlan:
        return cls(
            [Item.from_json(i) for i in body.get("add", [])],
            [Item.from_json(i) for i in body.get("remove", [])],
        )


Plan = dict[Section, SectionPlan]


def plan_to_json(plan: Plan) -> dict[str, Any]:
    return {section.value: part.to_json() for section, part in plan.items()}


def plan_from_json(body: dict[str, Any] | None) -> Plan:
    return {Section(name): SectionPlan.from_json(part) for name, part in (body or {}).items()}
