"""plays: a covering index for listeningStats (ix_plays_stats)

Revision ID: 5d2e8b7c1f04
Revises: c9894abf7098
Create Date: 2026-11-29 14:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5d2e8b7c1f04"
down_revision: str | Sequence[str] | None = "c9894abf7098"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain CREATE INDEX (no table rebuild): the FTS and likes triggers are untouched.
    op.create_index(
        "ix_plays_stats",
        "plays",
        ["user_id", "counted", "played_at", "song_id", "ms_played"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_plays_stats", table_name="plays")
