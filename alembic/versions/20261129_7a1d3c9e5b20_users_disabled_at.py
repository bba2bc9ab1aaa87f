"""users.disabled_at (mixtape admin users disable)

Revision ID: 7a1d3c9e5b20
Revises: 2c40c782c211
Create Date: 2026-11-29 10:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import graphql_api.db.base

revision: str = "7a1d3c9e5b20"
down_revision: str | Sequence[str] | None = "03eb60cfec83"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("disabled_at", graphql_api.db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
