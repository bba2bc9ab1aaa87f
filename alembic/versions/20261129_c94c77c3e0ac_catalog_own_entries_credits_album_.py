"""catalog: own entries, credits, album tracks, song genres, name search

Songs, albums, artists and genres get an owner (NULL: a Spotify mirror), ``is_public``
and (but genres) ``like_count``; albums a ``release_year``. ``song_artists`` becomes
``song_credits`` (its rows are the PERFORMER credits); ``album_tracks`` is filled from
each song's album and numbers; ``song_genres`` is new. Name search: pg_trgm GIN
indexes (PostgreSQL) or FTS5 tables kept by triggers (SQLite).

Downgrade deletes the own entries (the old schema has no owner, so they would
become everyone's) and copies the PERFORMER credits back to ``song_artists``.

Revision ID: c94c77c3e0ac
Revises: 2c40c782c211
Create Date: 2026-11-29 09:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import graphql_api.db.base
from graphql_api.db import search_ddl

revision: str = "c94c77c3e0ac"
down_revision: str | Sequence[str] | None = "2c40c782c211"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OWNED = ("songs", "albums", "artists", "genres")
LIKED = ("songs", "albums", "artists")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _add_ownership(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", BigIntId, nullable=True))
        batch_op.add_column(
            sa.Column("is_public", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        if table in LIKED:
            batch_op.add_column(
                sa.Column("like_count", sa.Integer(), server_default=sa.text("0"), nullable=False)
            )
        if table == "albums":
            batch_op.add_column(sa.Column("release_year", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f("ix_albums_release_year"), ["release_year"])
        if table == "genres":
            batch_op.add_column(
                sa.Column(
                    "created_at",
                    graphql_api.db.base.UTCDateTime(timezone=True),
                    server_default=sa.text("(CURRENT_TIMESTAMP)"),
                    nullable=False,
                )
            )
            batch_op.drop_constraint("uq_genres_name", type_="unique")
            batch_op.create_unique_constraint("uq_genres_owner_id_name", ["owner_id", "name"])
            batch_op.create_index(
                "uq_genres_name_spotify",
                ["name"],
                unique=True,
                sqlite_where=sa.text("owner_id IS NULL"),
                postgresql_where=sa.text("owner_id IS NULL"),
            )
        batch_op.create_index(batch_op.f(f"ix_{table}_owner_id"), ["owner_id"])
        batch_op.create_foreign_key(
            batch_op.f(f"fk_{table}_owner_id_users"),
            "users",
            ["owner_id"],
            ["id"],
            ondelete="CASCADE",
        )


def _drop_ownership(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f"fk_{table}_owner_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f(f"ix_{table}_owner_id"))
        if table == "genres":
            batch_op.drop_index(
                "uq_genres_name_spotify",
                sqlite_where=sa.text("owner_id IS NULL"),
                postgresql_where=sa.text("owner_id IS NULL"),
            )
            batch_op.drop_constraint("uq_genres_owner_id_name", type_="unique")
            batch_op.create_unique_constraint("uq_genres_name", ["name"])
            batch_op.drop_column("created_at")
        if table == "albums":
            batch_op.drop_index(batch_op.f("ix_albums_release_year"))
            batch_op.drop_column("release_year")
        if table in LIKED:
            batch_op.drop_column("like_count")
        batch_op.drop_column("is_public")
        batch_op.drop_column("owner_id")


def upgrade() -> None:
    op.create_table(
        "song_credits",
        sa.Column("song_id", BigIntId, nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("artist_id", BigIntId, nullable=False),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_song_credits_artist_id_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["song_id"], ["songs.id"], name=op.f("fk_song_credits_song_id_songs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("song_id", "role", "position", name=op.f("pk_song_credits")),
    )
    op.create_index("ix_song_credits_artist_id_role", "song_credits", ["artist_id", "role"])
    op.execute(
        "INSERT INTO song_credits (song_id, role, position, artist_id) "
        "SELECT song_id, 'PERFORMER', position, artist_id FROM song_artists"
    )
    with op.batch_alter_table("song_artists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_song_artists_artist_id"))
    op.drop_table("song_artists")

    op.create_table(
        "album_tracks",
        sa.Column("album_id", BigIntId, nullable=False),
        sa.Column("disc_number", sa.Integer(), nullable=False),
        sa.Column("track_number", sa.Integer(), nullable=False),
        sa.Column("song_id", BigIntId, nullable=False),
        sa.ForeignKeyConstraint(
            ["album_id"],
            ["albums.id"],
            name=op.f("fk_album_tracks_album_id_albums"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["song_id"], ["songs.id"], name=op.f("fk_album_tracks_song_id_songs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(
            "album_id", "disc_number", "track_number", name=op.f("pk_album_tracks")
        ),
    )
    op.create_index(op.f("ix_album_tracks_song_id"), "album_tracks", ["song_id"])
    # Two songs in one slot (a relinked track) keep the newest, as ingestion does.
    op.execute(
        "INSERT INTO album_tracks (album_id, disc_number, track_number, song_id) "
        "SELECT album_id, COALESCE(disc_number, 1), track_number, MAX(id) FROM songs "
        "WHERE album_id IS NOT NULL AND track_number IS NOT NULL "
        "GROUP BY album_id, COALESCE(disc_number, 1), track_number"
    )

    op.create_table(
        "song_genres",
        sa.Column("song_id", BigIntId, nullable=False),
        sa.Column("genre_id", BigIntId, nullable=False),
        sa.ForeignKeyConstraint(
            ["genre_id"], ["genres.id"], name=op.f("fk_song_genres_genre_id_genres"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["song_id"], ["songs.id"], name=op.f("fk_song_genres_song_id_songs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("song_id", "genre_id", name=op.f("pk_song_genres")),
    )
    op.create_index(op.f("ix_song_genres_genre_id"), "song_genres", ["genre_id"])

    for table in OWNED:
        _add_ownership(table)
    year_like = (
        "release_date GLOB '[0-9][0-9][0-9][0-9]*'" if _sqlite() else "release_date ~ '^[0-9]{4}'"
    )
    op.execute(
        "UPDATE albums SET release_year = NULLIF(CAST(substr(release_date, 1, 4) AS INTEGER), 0) "
        f"WHERE {year_like}"
    )

    create = search_ddl.sqlite_create() if _sqlite() else search_ddl.postgresql_create()
    for statement in create:
        op.execute(statement)


def downgrade() -> None:
    drop = search_ddl.sqlite_drop() if _sqlite() else search_ddl.postgresql_drop()
    for statement in drop:
        op.execute(statement)
    for table in OWNED:
        op.execute(f"DELETE FROM {table} WHERE owner_id IS NOT NULL")
    for table in reversed(OWNED):
        _drop_ownership(table)

    op.drop_index(op.f("ix_song_genres_genre_id"), table_name="song_genres")
    op.drop_table("song_genres")
    op.drop_index(op.f("ix_album_tracks_song_id"), table_name="album_tracks")
    op.drop_table("album_tracks")

    op.create_table(
        "song_artists",
        sa.Column("song_id", BigIntId, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("artist_id", BigIntId, nullable=False),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_song_artists_artist_id_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["song_id"], ["songs.id"], name=op.f("fk_song_artists_song_id_songs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("song_id", "position", name=op.f("pk_song_artists")),
    )
    with op.batch_alter_table("song_artists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_song_artists_artist_id"), ["artist_id"], unique=False)
    op.execute(
        "INSERT INTO song_artists (song_id, position, artist_id) "
        "SELECT song_id, position, artist_id FROM song_credits WHERE role = 'PERFORMER'"
    )
    op.drop_index("ix_song_credits_artist_id_role", table_name="song_credits")
    op.drop_table("song_credits")
