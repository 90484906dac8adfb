"""record attachments: files on engagement records, stored by key in engage.storage

Revision ID: b2a77ac40001
Revises: ce3f5ea69d5d
Create Date: 2026-11-23 02:34:50.286910

"""
from alembic import op
import sqlalchemy as sa

import engage.db


# revision identifiers, used by Alembic.
revision = 'b2a77ac40001'
down_revision = 'ce3f5ea69d5d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_attachments_record_id_engagement_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_record_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_record_attachments_storage_key'))
    )
    with op.batch_alter_table('record_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_attachments_record_id'), ['record_id'], unique=False)


def downgrade():
    with op.batch_alter_table('record_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_attachments_record_id'))

    op.drop_table('record_attachments')
