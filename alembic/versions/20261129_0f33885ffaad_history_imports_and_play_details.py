"""history imports and play details

Revision ID: 0f33885ffaad
Revises: c94c77c3e0ac
Create Date: 2026-11-29 09:56:41.654195
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import graphql_api.db.base

revision: str = "0f33885ffaad"
down_revision: str | Sequence[str] | None = "4c7420409caa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "history_imports",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "QUEUED",
                "RUNNING",
                "SUCCEEDED",
                "FAILED",
                name="historyimportstatus",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("upload_dir", sa.Text(), nullable=True),
        sa.Column("spotify_username", sa.String(length=255), nullable=True),
        sa.Column("phase", sa.String(length=32), nullable=True),
        sa.Column("progress_done", sa.BigInteger(), nullable=False),
        sa.Column("progress_total", sa.BigInteger(), nullable=False),
        sa.Column("progress_fraction", sa.Float(), nullable=False),
        sa.Column("entries_read", sa.BigInteger(), nullable=False),
        sa.Column("plays_added", sa.BigInteger(), nullable=False),
        sa.Column("plays_merged", sa.BigInteger(), nullable=False),
        sa.Column("skips_added", sa.BigInteger(), nullable=False),
        sa.Column("entries_ignored", sa.BigInteger(), nullable=False),
        sa.Column("songs_created", sa.BigInteger(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", graphql_api.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            graphql_api.db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("updated_at", graphql_api.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", graphql_api.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_history_imports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_imports")),
    )
    with op.batch_alter_table("history_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_history_imports_user_id"), ["user_id"], unique=False)

    op.create_table(
        "history_import_files",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "import_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("member", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("entries_total", sa.BigInteger(), nullable=True),
        sa.Column("entries_done", sa.BigInteger(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["history_imports.id"],
            name=op.f("fk_history_import_files_import_id_history_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_import_files")),
        sa.UniqueConstraint(
            "import_id", "position", name=op.f("uq_history_import_files_import_id_position")
        ),
    )
    with op.batch_alter_table("history_import_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_history_import_files_import_id"), ["import_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_history_import_files_sha256"), ["sha256"], unique=False
        )

    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("counted", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("reason_start", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("reason_end", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("shuffle", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("skipped", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("offline", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("platform", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("conn_country", sa.String(length=8), nullable=True))
        batch_op.create_index("ix_plays_user_id_played_at", ["user_id", "played_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.drop_index("ix_plays_user_id_played_at")
        batch_op.drop_column("conn_country")
        batch_op.drop_column("platform")
        batch_op.drop_column("offline")
        batch_op.drop_column("skipped")
        batch_op.drop_column("shuffle")
        batch_op.drop_column("reason_end")
        batch_op.drop_column("reason_start")
        batch_op.drop_column("counted")

    with op.batch_alter_table("history_import_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_import_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_history_import_files_import_id"))

    op.drop_table("history_import_files")
    with op.batch_alter_table("history_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_history_imports_user_id"))

    op.drop_table("history_imports")
