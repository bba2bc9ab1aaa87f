"""What other domains tell the catalog about songs they use, without the catalog
importing them (playlists depend on the catalog, never the reverse).

The composition root registers one :class:`SongUsage` per domain that holds songs
(Mixtape's playlists): its clause widens who may see an own song (the members of a
playlist that holds it), its count makes deleting a used song a CONFLICT, and its
removal is what ``removeEverywhere: true`` runs first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class SongUsage:
    name: str
    # (songs.id column, viewer id) -> "a song this viewer may see through it".
    shared_with: Callable[[Any, int], ColumnElement[bool]]
    # How many uses the songs have (e.g. playlist entries); removal deletes them.
    count: Callable[[AsyncSession, list[int]], Awaitable[int]]
    remove: Callable[[AsyncSession, list[int]], Awaitable[None]]


_USAGES: list[SongUsage] = []


def register_song_usage(usage: SongUsage) -> None:
    """Called by the composition root; registering the same name twice keeps one."""
    if all(known.name != usage.name for known in _USAGES):
        _USAGES.append(usage)


def song_usages() -> tuple[SongUsage, ...]:
    return tuple(_USAGES)
