"""Triggers that keep ``likes`` true when their targets or likers are deleted.

A like has no foreign key to its target (one table for four target tables), so the
database deletes a target's likes itself: an ``AFTER DELETE`` trigger on ``songs``,
``albums``, ``artists`` and ``playlists`` (it also fires for rows deleted by a cascade,
such as a deleted user's own entries). Without it SQLite, which may hand a deleted row's
id to the next insert, could attach old likes to a new row. And a ``BEFORE DELETE``
trigger on ``users`` takes the user's likes off the targets' ``like_count`` before the
cascade deletes them.

SQLite drops a table's triggers when a batch migration rebuilds it: a later migration
that batch-alters one of these tables must run :func:`create` again.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

# Target type -> the table it points into.
TARGET_TABLES = {"SONG": "songs", "ALBUM": "albums", "ARTIST": "artists", "PLAYLIST": "playlists"}


# The SQL below is built from these constants only, never from input (hence the noqa S608).


def _uncount(user: str) -> list[str]:
    return [
        f"UPDATE {table} SET like_count = like_count - 1 WHERE like_count > 0 AND id IN "  # noqa: S608
        f"(SELECT target_id FROM likes WHERE user_id = {user} AND target_type = '{kind}')"
        for kind, table in TARGET_TABLES.items()
    ]


def create(connection: Connection) -> None:
    """Create the triggers (and PostgreSQL's trigger functions)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "CREATE FUNCTION likes_forget_target() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN DELETE FROM likes WHERE target_type = TG_ARGV[0] AND target_id = OLD.id; "
            "RETURN OLD; END $$"
        )
        connection.exec_driver_sql(
            "CREATE FUNCTION likes_uncount_user() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + "; ".join(_uncount("OLD.id"))
            + "; RETURN OLD; END $$"
        )
        for kind, table in TARGET_TABLES.items():
            connection.exec_driver_sql(
                f"CREATE TRIGGER likes_forget_{table} AFTER DELETE ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION likes_forget_target('{kind}')"
            )
        connection.exec_driver_sql(
            "CREATE TRIGGER likes_uncount_users BEFORE DELETE ON users FOR EACH ROW "
            "EXECUTE FUNCTION likes_uncount_user()"
        )
        return
    for kind, table in TARGET_TABLES.items():
        connection.exec_driver_sql(
            f"CREATE TRIGGER likes_forget_{table} AFTER DELETE ON {table} BEGIN "  # noqa: S608
            f"DELETE FROM likes WHERE target_type = '{kind}' AND target_id = OLD.id; END"
        )
    connection.exec_driver_sql(
        "CREATE TRIGGER likes_uncount_users BEFORE DELETE ON users BEGIN "
        + "; ".join(_uncount("OLD.id"))
        + "; END"
    )


def drop(connection: Connection) -> None:
    """Drop what :func:`create` made."""
    postgres = connection.dialect.name == "postgresql"
    for table in [*TARGET_TABLES.values(), "users"]:
        name = "likes_uncount_users" if table == "users" else f"likes_forget_{table}"
        connection.exec_driver_sql(
            f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else "")
        )
    if postgres:
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS likes_forget_target()")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS likes_uncount_user()")
