"""response publications are indexed by consultation and status, in place of the consultation's own

The public consultation page looks for its published responses: with only the consultation's
responses to start from, SQLite (without statistics) read every one of them: at 100,000 responses
with none published the page took 35 ms, and 7 ms from this index (bench/survey_scale.py).

Revision ID: c3d4e5f60015
Revises: c3d4e5f60014
Create Date: 2026-12-06 19:45:00

"""

from alembic import op


revision = "c3d4e5f60015"
down_revision = "c3d4e5f60014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("response_publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_publications_consultation_id"))
        batch_op.create_index("ix_response_publications_consultation_status", ["consultation_id", "status"])


def downgrade():
    with op.batch_alter_table("response_publications", schema=None) as batch_op:
        batch_op.drop_index("ix_response_publications_consultation_status")
        batch_op.create_index(
            batch_op.f("ix_response_publications_consultation_id"), ["consultation_id"], unique=False
        )
