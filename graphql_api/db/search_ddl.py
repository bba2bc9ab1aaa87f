"""The catalog's name-search indexes, which live outside ``Base.metadata``.

PostgreSQL: a pg_trgm GIN index on ``lower(name)`` per searched table, so
``lower(name) LIKE '%term%'`` is an index scan. SQLite: an FTS5 external-content
table ``<table>_fts(name)`` (trigram tokenizer) kept in step by triggers. Neither
is expressible as a model, so the migration creates them and Alembic's comparison
of models and database skips them (``include_name``).

SQLite drops a table's triggers when a batch migration rebuilds it: a later
migration that batch-alters one of these tables must call :func:`sqlite_create`
again for it (the FTS table then rebuilds its index from the content table).
"""

from __future__ import annotations

from collections.abc import Iterable
from string import Template
from typing import Any

SEARCHED_TABLES = ("songs", "albums", "artists", "genres")
# Searched the same way, made by a later migration of their own (Mixtape's playlists).
LATER_SEARCHED_TABLES = ("playlists",)
_ALL_SEARCHED = SEARCHED_TABLES + LATER_SEARCHED_TABLES


def fts_table(table: str) -> str:
    return f"{table}_fts"


def trigram_index(table: str) -> str:
    return f"ix_{table}_name_trgm"


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's filter: everything but the search indexes, tables and FTS5 shadow tables."""
    if name is None:
        return True
    if type_ == "table":
        return not any(name.startswith(fts_table(t)) for t in _ALL_SEARCHED)
    if type_ == "index":
        return name not in {trigram_index(t) for t in _ALL_SEARCHED}
    return True


def postgresql_create(tables: Iterable[str] = SEARCHED_TABLES) -> list[str]:
    statements = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
    for table in tables:
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {trigram_index(table)} "
            f"ON {table} USING gin (lower(name) gin_trgm_ops)"
        )
    return statements


def postgresql_drop(tables: Iterable[str] = SEARCHED_TABLES) -> list[str]:
    return [f"DROP INDEX IF EXISTS {trigram_index(table)}" for table in tables]


# Table names are ours (SEARCHED_TABLES), never a client's.
_SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS $fts USING fts5("
    "name, content='$table', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS ${fts}_insert AFTER INSERT ON $table BEGIN "
    "INSERT INTO $fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER IF NOT EXISTS ${fts}_delete AFTER DELETE ON $table BEGIN "
    "INSERT INTO $fts($fts, rowid, name) VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER IF NOT EXISTS ${fts}_update AFTER UPDATE OF name ON $table BEGIN "
    "INSERT INTO $fts($fts, rowid, name) VALUES ('delete', old.id, old.name); "
    "INSERT INTO $fts(rowid, name) VALUES (new.id, new.name); END",
    # Index what the table already holds.
    "INSERT INTO $fts($fts) VALUES ('rebuild')",
)


def sqlite_create(tables: Iterable[str] = SEARCHED_TABLES) -> list[str]:
    return [
        Template(statement).substitute(table=table, fts=fts_table(table))
        for table in tables
        for statement in _SQLITE_CREATE
    ]


def sqlite_drop(tables: Iterable[str] = SEARCHED_TABLES) -> list[str]:
    statements = []
    for table in tables:
        fts = fts_table(table)
        statements += [
            f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("insert", "delete", "update")
        ]
        statements.append(f"DROP TABLE IF EXISTS {fts}")
    return statements
