"""the outcome's themes and decisions with dated updates; moderated, redacted published responses

Revision ID: c3d4e5f6000e
Revises: c3d4e5f6000d
Create Date: 2026-11-23 09:00:00

"""

from alembic import op
import sqlalchemy as sa

import engage.db


revision = "c3d4e5f6000e"
down_revision = "c3d4e5f6000d"
branch_labels = None
depends_on = None

DECISION_STATUSES = ("planned", "in_progress", "done", "not_taken_forward")


def _user_fk(table, column):
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="SET NULL")


def upgrade():
    op.create_table(
        "outcome_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("you_said", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_outcome_themes_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_outcome_themes_theme_id_themes"), ondelete="CASCADE"
        ),
        _user_fk("outcome_themes", "created_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_themes")),
        sa.UniqueConstraint("consultation_id", "theme_id", name=op.f("uq_outcome_themes_consultation_id")),
    )
    with op.batch_alter_table("outcome_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_themes_consultation_id"), ["consultation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outcome_themes_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "outcome_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome_theme_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status", sa.Enum(*DECISION_STATUSES, name="decisionstatus", native_enum=False, length=20), nullable=False
        ),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_theme_id"],
            ["outcome_themes.id"],
            name=op.f("fk_outcome_decisions_outcome_theme_id_outcome_themes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_outcome_decisions_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        _user_fk("outcome_decisions", "decided_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_decisions")),
    )
    with op.batch_alter_table("outcome_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_decisions_outcome_theme_id"), ["outcome_theme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outcome_decisions_consultation_id"), ["consultation_id"], unique=False)

    op.create_table(
        "outcome_decision_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column(
            "status", sa.Enum(*DECISION_STATUSES, name="decisionstatus", native_enum=False, length=20), nullable=False
        ),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["outcome_decisions.id"],
            name=op.f("fk_outcome_decision_updates_decision_id_outcome_decisions"),
            ondelete="CASCADE",
        ),
        _user_fk("outcome_decision_updates", "recorded_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_decision_updates")),
    )
    with op.batch_alter_table("outcome_decision_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_decision_updates_decision_id"), ["decision_id"], unique=False)

    op.create_table(
        "response_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("published", "rejected", name="moderationstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_response_publications_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_response_publications_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        _user_fk("response_publications", "decided_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_publications")),
        sa.UniqueConstraint("response_id", name=op.f("uq_response_publications_response_id")),
    )
    with op.batch_alter_table("response_publications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_response_publications_consultation_id"), ["consultation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_response_publications_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_response_publications_decided_at"), ["decided_at"], unique=False)

    op.create_table(
        "response_redactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("redacted_by_id", sa.Integer(), nullable=True),
        sa.Column("redacted_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_response_redactions_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["answers.id"], name=op.f("fk_response_redactions_answer_id_answers"), ondelete="CASCADE"
        ),
        _user_fk("response_redactions", "redacted_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_redactions")),
    )
    with op.batch_alter_table("response_redactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_redactions_response_id"), ["response_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_response_redactions_answer_id"), ["answer_id"], unique=False)


def downgrade():
    op.drop_table("response_redactions")
    op.drop_table("response_publications")
    op.drop_table("outcome_decision_updates")
    op.drop_table("outcome_decisions")
    op.drop_table("outcome_themes")
