"""offline responses and analysis: received date, late, duplicates, analysis status, scans, keyings, codes

Revision ID: c3d4e5f6000b
Revises: c3d4e5f6000a
Create Date: 2026-11-23 06:20:00

"""
from alembic import op
import sqlalchemy as sa

import engage.db


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6000b'
down_revision = 'c3d4e5f6000a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_rules', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('unread_outcome_reason', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('duplicate', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('duplicate_reason', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('analysis_status', sa.Enum('unread', 'read', 'coded', name='analysisstatus', native_enum=False, length=10), server_default='unread', nullable=False))
        batch_op.create_index(batch_op.f('ix_responses_duplicate'), ['duplicate'], unique=False)
        batch_op.create_index(batch_op.f('ix_responses_analysis_status'), ['analysis_status'], unique=False)

    op.create_table('response_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_scans_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_response_scans_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_scans')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_response_scans_storage_key'))
    )
    with op.batch_alter_table('response_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_scans_response_id'), ['response_id'], unique=False)

    op.create_table('response_keyings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('keyed_by_id', sa.Integer(), nullable=True),
    sa.Column('keyed_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['keyed_by_id'], ['users.id'], name=op.f('fk_response_keyings_keyed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_keyings_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_keyings'))
    )
    with op.batch_alter_table('response_keyings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_keyings_response_id'), ['response_id'], unique=False)

    op.create_table('response_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('start_offset', sa.Integer(), nullable=True),
    sa.Column('end_offset', sa.Integer(), nullable=True),
    sa.Column('is_quote', sa.Boolean(), nullable=False),
    sa.Column('coded_by_id', sa.Integer(), nullable=True),
    sa.Column('coded_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_response_codes_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['coded_by_id'], ['users.id'], name=op.f('fk_response_codes_coded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['survey_questions.id'], name=op.f('fk_response_codes_question_id_survey_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_codes_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_response_codes_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_codes'))
    )
    with op.batch_alter_table('response_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_codes_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_codes_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_codes_response_id'), ['response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_codes_theme_id'), ['theme_id'], unique=False)


def downgrade():
    with op.batch_alter_table('response_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_codes_theme_id'))
        batch_op.drop_index(batch_op.f('ix_response_codes_response_id'))
        batch_op.drop_index(batch_op.f('ix_response_codes_question_id'))
        batch_op.drop_index(batch_op.f('ix_response_codes_answer_id'))
    op.drop_table('response_codes')
    with op.batch_alter_table('response_keyings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_keyings_response_id'))
    op.drop_table('response_keyings')
    with op.batch_alter_table('response_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_scans_response_id'))
    op.drop_table('response_scans')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_analysis_status'))
        batch_op.drop_index(batch_op.f('ix_responses_duplicate'))
        batch_op.drop_column('analysis_status')
        batch_op.drop_column('duplicate_reason')
        batch_op.drop_column('duplicate')
        batch_op.drop_column('late')
        batch_op.drop_column('received_on')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_column('unread_outcome_reason')
        batch_op.drop_column('deadline_rules')
