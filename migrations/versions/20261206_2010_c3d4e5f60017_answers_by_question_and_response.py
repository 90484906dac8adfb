"""answers are indexed by question with their response, in place of the question's own index

How many responses answered each question (the survey builder shows it, and refuses changes that
would orphan answers) is counted from this index alone, instead of reading every answer row.

Revision ID: c3d4e5f60017
Revises: c3d4e5f60016
Create Date: 2026-12-06 20:10:00

"""

from alembic import op


revision = "c3d4e5f60017"
down_revision = "c3d4e5f60016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index("ix_answers_question_response", ["question_id", "response_id"])
        batch_op.drop_index(batch_op.f("ix_answers_question_id"))


def downgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answers_question_id"), ["question_id"], unique=False)
        batch_op.drop_index("ix_answers_question_response")
