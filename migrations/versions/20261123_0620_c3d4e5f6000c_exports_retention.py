"""response exports run in the background, identifying answers, when an outcome was published

Revision ID: c3d4e5f6000c
Revises: c3d4e5f6000b
Create Date: 2026-11-23 06:20:00

"""

from alembic import op
import sqlalchemy as sa

import engage.db


revision = "c3d4e5f6000c"
down_revision = "c3d4e5f6000b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column(
            "format",
            sa.Enum("csv", "xlsx", name="exportformat", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "running", "done", "failed", name="exportstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", engage.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_export_jobs_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_export_jobs_requested_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_export_jobs_storage_key")),
    )
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_jobs_consultation_id"), ["consultation_id"], unique=False)

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identifying", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome_published_at", engage.db.UTCDateTime(timezone=True), nullable=True))
    # Outcomes published before this column existed: their last change is the best date there is.
    op.execute(
        "UPDATE consultations SET outcome_published_at = updated_at "
        "WHERE stage = 'outcome_published' AND outcome_published_at IS NULL"
    )


def downgrade():
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_column("outcome_published_at")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("identifying")
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_jobs_consultation_id"))
    op.drop_table("export_jobs")
