"""export jobs record when their runner was last alive, so a job whose worker died is marked failed

Revision ID: c3d4e5f60011
Revises: c3d4e5f6000c
Create Date: 2026-11-23 09:10:00

"""

from alembic import op
import sqlalchemy as sa

import engage.db


revision = "c3d4e5f60011"
down_revision = "c3d4e5f6000c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", engage.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
