"""record actions and outcomes; themes and their evidence

Revision ID: b2a77ac40003
Revises: b2a77ac40001
Create Date: 2026-11-23 02:32:40.339836

"""
from alembic import op
import sqlalchemy as sa

import engage.db


# revision identifiers, used by Alembic.
revision = 'b2a77ac40003'
down_revision = "b2a77ac40001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('title_key', sa.String(length=160), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('published_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_themes_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('slug', name=op.f('uq_themes_slug')),
    sa.UniqueConstraint('title_key', name=op.f('uq_themes_title_key'))
    )
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_themes_published_at'), ['published_at'], unique=False)

    op.create_table('record_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'in_progress', 'done', 'cancelled', name='actionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_record_actions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_actions_record_id_engagement_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_actions'))
    )
    with op.batch_alter_table('record_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_actions_record_id'), ['record_id'], unique=False)
        batch_op.create_index('ix_record_actions_status_due_on', ['status', 'due_on'], unique=False)

    op.create_table('theme_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=True),
    sa.Column('quote_key', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_theme_evidence_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quote_id'], ['record_quotes.id'], name=op.f('fk_theme_evidence_quote_id_record_quotes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_theme_evidence_record_id_engagement_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_theme_evidence_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_evidence')),
    sa.UniqueConstraint('theme_id', 'record_id', 'quote_key', name='uq_theme_evidence_item')
    )
    with op.batch_alter_table('theme_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_evidence_quote_id'), ['quote_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_evidence_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_evidence_theme_id'), ['theme_id'], unique=False)
    with op.batch_alter_table('engagement_records', schema=None) as batch_op:
        # Existing records get an empty text; the model supplies it from then on.
        batch_op.add_column(sa.Column('outcomes', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('engagement_records', schema=None) as batch_op:
        batch_op.alter_column('outcomes', server_default=None)


def downgrade():
    with op.batch_alter_table('engagement_records', schema=None) as batch_op:
        batch_op.drop_column('outcomes')
    op.drop_table('theme_evidence')
    op.drop_table('record_actions')
    op.drop_table('themes')
