"""signed-out sessions: the hashed ids of sessions that ended, so a copied cookie signs no one in

Revision ID: c3d4e5f60012
Revises: c3d4e5f60010
Create Date: 2026-11-23 13:00:00

"""

from alembic import op
import sqlalchemy as sa

import engage.db


revision = "c3d4e5f60012"
down_revision = "c3d4e5f60010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ended_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("ended_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_ended_sessions")),
    )
    with op.batch_alter_table("ended_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ended_sessions_ended_at"), ["ended_at"], unique=False)


def downgrade():
    with op.batch_alter_table("ended_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ended_sessions_ended_at"))
    op.drop_table("ended_sessions")
