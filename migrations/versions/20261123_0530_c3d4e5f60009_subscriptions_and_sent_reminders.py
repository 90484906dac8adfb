"""consultation subscriptions and sent reminders

Revision ID: c3d4e5f60009
Revises: c3d4e5f60006
Create Date: 2026-11-23 05:30:00

"""
from alembic import op
import sqlalchemy as sa

import engage.db


# revision identifiers, used by Alembic.
revision = 'c3d4e5f60009'
down_revision = 'c3d4e5f60006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_subscriptions_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_subscriptions')),
    sa.UniqueConstraint('consultation_id', 'email', name=op.f('uq_consultation_subscriptions_consultation_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_consultation_subscriptions_token_hash'))
    )
    with op.batch_alter_table('consultation_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_subscriptions_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('sent_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('closes_in_7_days', 'closes_in_1_day', 'outcome_published', name='reminderkind', native_enum=False, length=30), nullable=False),
    sa.Column('recipient_hash', sa.String(length=64), nullable=False),
    sa.Column('sent_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_sent_reminders_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminders')),
    sa.UniqueConstraint('consultation_id', 'kind', 'recipient_hash', name=op.f('uq_sent_reminders_consultation_id'))
    )


def downgrade():
    op.drop_table('sent_reminders')
    with op.batch_alter_table('consultation_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_subscriptions_consultation_id'))

    op.drop_table('consultation_subscriptions')
