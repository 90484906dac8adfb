"""consultation document versions: uploaded files or links, frozen at opening, withdrawal kept

Each existing document link becomes its version 1 (same address, same date), then the link column
moves off consultation_documents.

Revision ID: c3d4e5f60006
Revises: c3d4e5f60005
Create Date: 2026-11-23 06:00:00

"""

from alembic import op
import sqlalchemy as sa

import engage.db


revision = "c3d4e5f60006"
down_revision = "c3d4e5f60005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultation_document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_at", engage.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["users.id"],
            name=op.f("fk_consultation_document_versions_added_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["consultation_documents.id"],
            name=op.f("fk_consultation_document_versions_document_id_consultation_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_document_versions")),
        sa.UniqueConstraint("document_id", "number", name=op.f("uq_consultation_document_versions_document_id")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_consultation_document_versions_storage_key")),
    )
    with op.batch_alter_table("consultation_document_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_document_versions_document_id"), ["document_id"], unique=False
        )

    # Data: every existing link becomes version 1 of its document, dated when the link was added.
    op.execute(
        "INSERT INTO consultation_document_versions"
        " (document_id, number, url, storage_key, filename, content_type, size, sha256, note, added_at, added_by_id)"
        " SELECT id, 1, url, NULL, '', '', 0, '', '', added_at, NULL FROM consultation_documents"
    )

    with op.batch_alter_table("consultation_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", engage.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_note", sa.Text(), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            batch_op.f("fk_consultation_documents_withdrawn_by_id_users"),
            "users",
            ["withdrawn_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_column("url")
    with op.batch_alter_table("consultation_documents", schema=None) as batch_op:
        batch_op.alter_column("withdrawn_note", server_default=None)


def downgrade():
    # Back to one link per document: the latest link version's address (uploaded files have none).
    with op.batch_alter_table("consultation_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("url", sa.String(length=500), nullable=False, server_default=""))
    op.execute(
        "UPDATE consultation_documents SET url = COALESCE((SELECT v.url FROM consultation_document_versions v"
        " WHERE v.document_id = consultation_documents.id AND v.url <> '' ORDER BY v.number DESC LIMIT 1), '')"
    )
    with op.batch_alter_table("consultation_documents", schema=None) as batch_op:
        batch_op.alter_column("url", server_default=None)
        batch_op.drop_constraint(batch_op.f("fk_consultation_documents_withdrawn_by_id_users"), type_="foreignkey")
        batch_op.drop_column("withdrawn_note")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("consultation_document_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_document_versions_document_id"))
    op.drop_table("consultation_document_versions")
