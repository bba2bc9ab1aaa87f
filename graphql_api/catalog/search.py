"""Name search, backed by an index on each engine (``graphql_api/db/search_ddl.py``).

PostgreSQL: ``lower(name) LIKE '%term%'``, which the pg_trgm GIN index on
``lower(name)`` answers. SQLite: the row ids the FTS5 trigram table finds for the
phrase, so a substring match without a scan of the table. Both ignore case. A term
shorter than three characters has no trigram: it is matched with LIKE over the names
(a scan, bounded by the other filters and the page).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, column, func, select, table

from graphql_api.db.search_ddl import fts_table

TRIGRAM = 3


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(term: str) -> str:
    # An FTS5 string: double quotes inside are doubled; the whole is one phrase.
    return '"' + term.replace('"', '""') + '"'


def name_matches(model: Any, term: str, dialect: str) -> ColumnElement[bool]:
    """Rows of ``model`` (songs, albums, artists, genres) whose name contains ``term``."""
    term = term.strip()
    found: ColumnElement[bool]
    if dialect == "postgresql":
        found = func.lower(model.name).like(_like_pattern(term.lower()), escape="\\")
        return found
    if len(term) < TRIGRAM:
        found = model.name.ilike(_like_pattern(term), escape="\\")
        return found
    fts = table(fts_table(model.__tablename__), column("rowid"), column("name"))
    matched = select(fts.c.rowid).where(fts.c.name.match(_fts_phrase(term)))
    found = model.id.in_(matched)
    return found
