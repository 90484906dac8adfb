"""places list their postcode districts, to match respondents to places in analysis

Revision ID: c3d4e5f6000d
Revises: c3d4e5f60011
Create Date: 2026-11-23 09:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "c3d4e5f6000d"
down_revision = "c3d4e5f60011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.add_column(sa.Column("postcode_districts", sa.String(length=1000), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_column("postcode_districts")
