"""Which catalog rows a viewer may see, as SQL clauses.

A Spotify mirror (no owner) is visible to everyone; an own entry to its owner, to
everyone when ``is_public``, and (songs) to whoever a registered :class:`SongUsage`
shares it with (the members of a playlist holding it). Anonymous viewers see mirrors
and public entries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true

from graphql_api.catalog.usage import song_usages
from graphql_api.db.models import Album, Artist, Genre, Song

CatalogModel = type[Song] | type[Album] | type[Artist] | type[Genre]


def visible(model: Any, viewer_id: int | None) -> ColumnElement[bool]:
    """Rows of ``model`` (a catalog model or an alias of one) ``viewer_id`` may see."""
    allowed: list[ColumnElement[bool]] = [model.owner_id.is_(None), model.is_public == true()]
    if viewer_id is not None:
        allowed.append(model.owner_id == viewer_id)
        if _is_song(model):
            allowed += [usage.shared_with(model.id, viewer_id) for usage in song_usages()]
    return or_(*allowed)


def _is_song(model: Any) -> bool:
    table = getattr(model, "__table__", None)
    if table is None:  # an aliased class
        table = model.__mapper__.local_table if hasattr(model, "__mapper__") else None
    return getattr(table, "name", None) == "songs"


def can_see(row: Any, viewer_id: int | None) -> bool:
    """The same rule as :func:`visible` for a loaded row, without the playlist sharing
    (which needs the database: use :func:`visible` when sharing may apply)."""
    return row.owner_id is None or row.is_public or row.owner_id == viewer_id
